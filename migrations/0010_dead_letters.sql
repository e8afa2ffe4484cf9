-- Dead letters kept where a person can list and replay them (docs/decisions/1101): the
-- dead-letter queue's consumer writes one row per message; replay claims it once.
CREATE TABLE IF NOT EXISTS "dead_letters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"message_id" text NOT NULL,
	"type" text,
	"idempotency_key" text,
	"body" jsonb NOT NULL,
	"reason" text NOT NULL,
	"attempts" integer NOT NULL,
	"failed_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replayed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "dead_letters_message_id_key" ON "dead_letters" USING btree ("message_id");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "dead_letters_created_at_idx" ON "dead_letters" USING btree ("created_at");
