-- Auto top-up (docs/architecture.md §4, ADR 0211): the card saved at checkout, the pause a decline or
-- an authentication request puts on auto top-up, and one row per crossing below the owner's level
-- (its crossing, the ledger row that crossed, is unique: one payment per crossing, whatever retries).
-- Safe to re-run: every step is IF NOT EXISTS.
ALTER TABLE "businesses" ADD COLUMN IF NOT EXISTS "stripe_payment_method_id" text;
--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN IF NOT EXISTS "saved_card" jsonb;
--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN IF NOT EXISTS "auto_top_up_paused_reason" text;
--> statement-breakpoint
ALTER TABLE "businesses" ADD COLUMN IF NOT EXISTS "auto_top_up_paused_at" timestamp with time zone;
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "auto_top_ups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"business_id" uuid NOT NULL REFERENCES "businesses"("id") ON DELETE CASCADE,
	"crossing_entry_id" uuid NOT NULL,
	"pack_id" text NOT NULL,
	"credits" integer NOT NULL,
	"amount_cents" integer NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"payment_intent_id" text,
	"failure_code" text,
	"failure_message" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "auto_top_ups_status_valid" CHECK ("status" in ('pending', 'succeeded', 'failed', 'capped')),
	CONSTRAINT "auto_top_ups_amount_positive" CHECK ("amount_cents" > 0 and "credits" > 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "auto_top_ups_crossing_key" ON "auto_top_ups" ("crossing_entry_id");
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "auto_top_ups_payment_intent_key" ON "auto_top_ups" ("payment_intent_id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "auto_top_ups_business_created_idx" ON "auto_top_ups" ("business_id", "created_at");
