-- Data rights (docs/architecture.md §7d; ADRs 1110, 1111): the deletion job of a business, and the
-- mark the retention sweep leaves on a call whose transcript, messages, summary and recording it
-- removed. It names no tenant column (user_id or business_id), so it runs before or after the
-- tenancy rename alike. Safe to re-run: every step is IF NOT EXISTS.
CREATE TABLE IF NOT EXISTS "business_deletions" (
	"business_id" uuid PRIMARY KEY NOT NULL REFERENCES "businesses"("id") ON DELETE CASCADE,
	"requested_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"member_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"lease_until" timestamp with time zone,
	"last_error" text,
	"completed_at" timestamp with time zone,
	CONSTRAINT "business_deletions_attempts_non_negative" CHECK ("attempts" >= 0)
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "business_deletions_due_idx" ON "business_deletions" ("next_attempt_at") WHERE "completed_at" is null;
--> statement-breakpoint
ALTER TABLE "calls" ADD COLUMN IF NOT EXISTS "artifacts_deleted_at" timestamp with time zone;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "calls_retention_idx" ON "calls" ("created_at", "id") WHERE "artifacts_deleted_at" is null;
