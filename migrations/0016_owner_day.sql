-- The owner's day-to-day (issue 21; docs/architecture.md §12 wave 3; ADR 0710): a call's follow-up
-- (open / done, with a note, when and by whom), unanswered questions the owner dismissed, and a
-- number's forwarding test. Safe to re-run: every step is IF NOT EXISTS.
-- A call's follow-up: null means "as the receptionist judged it" (open when the structured data says
-- followUpNeeded); the owner's word, once given, is stored here and wins.
ALTER TABLE "calls" ADD COLUMN IF NOT EXISTS "follow_up" text CONSTRAINT "calls_follow_up_valid" CHECK ("follow_up" in ('open', 'done'));
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN IF NOT EXISTS "follow_up_note" text CONSTRAINT "calls_follow_up_note_length" CHECK (length("follow_up_note") <= 2000);
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN IF NOT EXISTS "follow_up_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN IF NOT EXISTS "follow_up_by" uuid REFERENCES "users"("id") ON DELETE SET NULL;
--> statement-breakpoint
-- A question the owner does not want to see again, by the normalised text insights group on.
CREATE TABLE IF NOT EXISTS "dismissed_questions" (
	"business_id" uuid NOT NULL REFERENCES "businesses"("id") ON DELETE CASCADE,
	"question" text NOT NULL,
	"dismissed_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "dismissed_questions_pkey" PRIMARY KEY ("business_id", "question"),
	CONSTRAINT "dismissed_questions_question_length" CHECK (length("question") between 1 and 500)
);
--> statement-breakpoint
-- "Test my forwarding": the next call from `forwarding_test_from` before `forwarding_test_until` marks the number verified.
ALTER TABLE "phone_numbers" ADD COLUMN IF NOT EXISTS "forwarding_test_from" text CONSTRAINT "phone_numbers_forwarding_test_from_e164" CHECK ("forwarding_test_from" is null or "forwarding_test_from" ~ '^\+[1-9][0-9]{7,14}$');
--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN IF NOT EXISTS "forwarding_test_until" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN IF NOT EXISTS "forwarding_verified_at" timestamp with time zone;
--> statement-breakpoint
-- The calls list's "to call back" and "booked" filters read the business's matching calls newest first (ADR 0710).
CREATE INDEX IF NOT EXISTS "calls_follow_up_open_idx" ON "calls" ("business_id", "created_at" DESC) WHERE coalesce("follow_up", case when "structured_data" -> 'followUpNeeded' = 'true'::jsonb then 'open' end) = 'open';
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "calls_booked_idx" ON "calls" ("business_id", "created_at" DESC) WHERE ("events" @> '[{"kind": "booked"}]'::jsonb or "structured_data" -> 'appointmentBooked' = 'true'::jsonb);
