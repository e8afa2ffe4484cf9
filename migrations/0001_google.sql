-- Google: safe booking and token refresh (docs/decisions/0300, 0301).
-- btree_gist lets one exclusion constraint compare agent_id with = and time ranges with &&.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
DROP INDEX IF EXISTS "booking_holds_agent_id_start_at_key";
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN "status" text DEFAULT 'held' NOT NULL;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN "idempotency_key" text;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN "caller_phone" text;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN "call_id" text;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN "updated_at" timestamp with time zone DEFAULT now() NOT NULL;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD CONSTRAINT "booking_holds_status_valid" CHECK ("booking_holds"."status" in ('held', 'confirmed', 'cancelled'));
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD CONSTRAINT "booking_holds_range_valid" CHECK ("booking_holds"."end_at" > "booking_holds"."start_at");
--> statement-breakpoint
-- Two live bookings of one agent can never overlap, whatever their starts.
ALTER TABLE "booking_holds" ADD CONSTRAINT "booking_holds_no_overlap" EXCLUDE USING gist ("agent_id" WITH =, tstzrange("start_at", "end_at", '[)') WITH &&) WHERE ("status" <> 'cancelled');
--> statement-breakpoint
CREATE UNIQUE INDEX "booking_holds_agent_id_idempotency_key_key" ON "booking_holds" USING btree ("agent_id","idempotency_key");
--> statement-breakpoint
CREATE UNIQUE INDEX "booking_holds_google_event_id_key" ON "booking_holds" USING btree ("google_event_id");
--> statement-breakpoint
CREATE INDEX "booking_holds_agent_id_caller_phone_idx" ON "booking_holds" USING btree ("agent_id","caller_phone");
--> statement-breakpoint
-- A short lease on the row: one refresh of a user's access token at a time, across isolates.
ALTER TABLE "google_connections" ADD COLUMN "refresh_lease_id" text;
--> statement-breakpoint
ALTER TABLE "google_connections" ADD COLUMN "refresh_lease_until" timestamp with time zone;
