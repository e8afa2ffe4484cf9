-- The no-overlap rule of booking_holds per calendar (owner + calendar id), not per agent: two
-- agents of one owner booking into one calendar could each hold the same time (issue 18 item 6,
-- docs/decisions/0310). Runs in the migrator's transaction; the lock keeps bookings of a worker
-- still on the old code from slipping between the backfill and the new constraint (reads go on).
LOCK TABLE "booking_holds" IN EXCLUSIVE MODE;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN IF NOT EXISTS "user_id" uuid;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN IF NOT EXISTS "calendar_id" text;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN IF NOT EXISTS "legacy_overlap" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
-- A hold is on the calendar its agent books into: the agent's, else the connection's, else primary
-- (calendarIdOf in src/services/google/availability.ts).
UPDATE "booking_holds" AS h
SET "user_id" = a."user_id", "calendar_id" = coalesce(a."calendar_id", g."calendar_id", 'primary')
FROM "agents" AS a LEFT JOIN "google_connections" AS g ON g."user_id" = a."user_id"
WHERE a."id" = h."agent_id" AND (h."user_id" IS NULL OR h."calendar_id" IS NULL);
--> statement-breakpoint
ALTER TABLE "booking_holds" ALTER COLUMN "user_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "booking_holds" ALTER COLUMN "calendar_id" SET NOT NULL;
--> statement-breakpoint
ALTER TABLE "booking_holds" DROP CONSTRAINT IF EXISTS "booking_holds_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD CONSTRAINT "booking_holds_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
-- Live bookings that already overlap an earlier one on their calendar (two agents booked the same
-- time before this rule) stay live: their events are real and only the owner can settle them. They
-- are marked and left out of the constraint; the earliest made keeps its place in it, and a marked
-- one is checked again when it is moved (moveHold clears the mark). The set left in the
-- constraint cannot overlap: of any two overlapping rows, the later one is marked.
UPDATE "booking_holds" AS h SET "legacy_overlap" = true
WHERE h."status" <> 'cancelled' AND NOT h."legacy_overlap" AND EXISTS (
  SELECT 1 FROM "booking_holds" AS o
  WHERE o."user_id" = h."user_id" AND o."calendar_id" = h."calendar_id" AND o."id" <> h."id"
    AND o."status" <> 'cancelled' AND NOT o."legacy_overlap"
    AND tstzrange(o."start_at", o."end_at", '[)') && tstzrange(h."start_at", h."end_at", '[)')
    AND (o."created_at", o."id") < (h."created_at", h."id")
);
--> statement-breakpoint
ALTER TABLE "booking_holds" DROP CONSTRAINT IF EXISTS "booking_holds_no_overlap";
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD CONSTRAINT "booking_holds_no_overlap" EXCLUDE USING gist ("user_id" WITH =, "calendar_id" WITH =, tstzrange("start_at", "end_at", '[)') WITH &&) WHERE ("status" <> 'cancelled' AND NOT "legacy_overlap");
