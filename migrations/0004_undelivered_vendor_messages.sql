CREATE TABLE IF NOT EXISTS "undelivered_vendor_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"provider" text NOT NULL,
	"type" text,
	"vapi_call_id" text,
	"raw_body" text NOT NULL,
	"body_sha256" text NOT NULL,
	"reason" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"applied_at" timestamp with time zone,
	"outcome" text,
	CONSTRAINT "undelivered_vendor_messages_attempts_non_negative" CHECK ("undelivered_vendor_messages"."attempts" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "undelivered_vendor_messages_provider_body_key" ON "undelivered_vendor_messages" USING btree ("provider","body_sha256");--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "undelivered_vendor_messages_pending_call_idx" ON "undelivered_vendor_messages" USING btree ("vapi_call_id") WHERE "undelivered_vendor_messages"."applied_at" is null;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "calls_unreported_idx" ON "calls" USING btree ("updated_at") WHERE "calls"."report_received_at" is null and "calls"."status" <> 'refused';
