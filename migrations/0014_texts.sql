-- Texts (docs/architecture.md §3 `texts`, `text_opt_outs`, §7b; ADR 0141): numbers that can text
-- (bought at Twilio and imported into Vapi), every SMS sent or received, and who opted out.
-- Safe to re-run: every step is IF NOT EXISTS, or drops what it re-creates.
ALTER TABLE "phone_numbers" ADD COLUMN IF NOT EXISTS "provider" text DEFAULT 'vapi' NOT NULL;
--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD COLUMN IF NOT EXISTS "twilio_sid" text;
--> statement-breakpoint
ALTER TABLE "phone_numbers" DROP CONSTRAINT IF EXISTS "phone_numbers_provider_valid";
--> statement-breakpoint
ALTER TABLE "phone_numbers" ADD CONSTRAINT "phone_numbers_provider_valid" CHECK ("provider" in ('vapi', 'twilio'));
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "phone_numbers_twilio_sid_key" ON "phone_numbers" ("twilio_sid");
--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN IF NOT EXISTS "texting" jsonb DEFAULT '{"confirmations":true,"reminders":["24h"],"missedCallTextBack":false,"ownerAlerts":false}'::jsonb NOT NULL;
--> statement-breakpoint
ALTER TABLE "credit_transactions" DROP CONSTRAINT IF EXISTS "credit_transactions_kind_valid";
--> statement-breakpoint
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_kind_valid" CHECK ("kind" in ('purchase', 'call', 'adjustment', 'refund', 'dispute', 'text'));
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "texts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"business_id" uuid NOT NULL REFERENCES "businesses"("id") ON DELETE CASCADE,
	"agent_id" uuid REFERENCES "agents"("id") ON DELETE SET NULL,
	"phone_number_id" uuid REFERENCES "phone_numbers"("id") ON DELETE SET NULL,
	"number" text NOT NULL,
	"business_number" text,
	"direction" text NOT NULL,
	"kind" text NOT NULL,
	"body" text NOT NULL,
	"status" text NOT NULL,
	"twilio_sid" text,
	"segments" integer DEFAULT 0 NOT NULL,
	"credits_charged" integer DEFAULT 0 NOT NULL,
	"booking_id" uuid REFERENCES "booking_holds"("id") ON DELETE SET NULL,
	"call_id" uuid REFERENCES "calls"("id") ON DELETE SET NULL,
	"idempotency_key" text NOT NULL,
	"send_after" timestamp with time zone,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "texts_direction_valid" CHECK ("direction" in ('outbound', 'inbound')),
	CONSTRAINT "texts_number_e164" CHECK ("number" ~ '^\+[1-9][0-9]{7,14}$'),
	CONSTRAINT "texts_segments_non_negative" CHECK ("segments" >= 0 and "credits_charged" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "texts_idempotency_key_key" ON "texts" ("idempotency_key");
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "texts_twilio_sid_key" ON "texts" ("twilio_sid");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "texts_business_id_created_at_idx" ON "texts" ("business_id", "created_at", "id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "texts_business_id_number_idx" ON "texts" ("business_id", "number", "created_at");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "texts_booking_id_idx" ON "texts" ("booking_id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "texts_call_id_idx" ON "texts" ("call_id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "texts_unsent_idx" ON "texts" ("updated_at") WHERE "status" in ('pending', 'held');
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "text_opt_outs" (
	"business_id" uuid NOT NULL REFERENCES "businesses"("id") ON DELETE CASCADE,
	"number" text NOT NULL,
	"since" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "text_opt_outs_pkey" PRIMARY KEY ("business_id", "number")
);
