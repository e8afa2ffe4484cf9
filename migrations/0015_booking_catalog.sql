-- Appointments that fit a real business (issue 20, docs/decisions/0320): an agent's services,
-- staff and closures live beside its business hours as jsonb (read in the same row the tool call
-- already loads, so no round trip is added), and booking_holds becomes the bookings list the
-- owner sees: what was booked (service, staff member, caller's name and e-mail) and when it was
-- last moved. Every step is IF NOT EXISTS, so the migration is safe to re-run on a live database.
ALTER TABLE "agents" ADD COLUMN IF NOT EXISTS "booking_services" jsonb DEFAULT '[]'::jsonb NOT NULL;
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN IF NOT EXISTS "booking_staff" jsonb DEFAULT '[]'::jsonb NOT NULL;
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN IF NOT EXISTS "booking_closures" jsonb DEFAULT '[]'::jsonb NOT NULL;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN IF NOT EXISTS "service_id" text;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN IF NOT EXISTS "service_name" text;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN IF NOT EXISTS "staff_id" text;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN IF NOT EXISTS "staff_name" text;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN IF NOT EXISTS "caller_name" text;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN IF NOT EXISTS "caller_email" text;
--> statement-breakpoint
ALTER TABLE "booking_holds" ADD COLUMN IF NOT EXISTS "moved_at" timestamp with time zone;
--> statement-breakpoint
-- GET /api/appointments pages a business's bookings by start time.
CREATE INDEX IF NOT EXISTS "booking_holds_business_id_start_at_idx" ON "booking_holds" ("business_id", "start_at", "id");
