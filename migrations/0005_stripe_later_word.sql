-- Stripe's later word wins (DESIGN §4, docs/decisions/0210-stripe-later-word-wins.md): refunds that
-- failed and disputes, recorded before the CreditAccount is asked, so any order of events ends alike.
ALTER TABLE "credit_transactions" DROP CONSTRAINT IF EXISTS "credit_transactions_kind_valid";
--> statement-breakpoint
ALTER TABLE "credit_transactions" ADD CONSTRAINT "credit_transactions_kind_valid" CHECK ("credit_transactions"."kind" in ('purchase', 'call', 'adjustment', 'refund', 'dispute'));
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "stripe_refund_failures" (
	"refund_id" text PRIMARY KEY NOT NULL,
	"charge_id" text NOT NULL,
	"checkout_session_id" text NOT NULL,
	"user_id" uuid NOT NULL REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_refund_failures_amount_positive" CHECK ("stripe_refund_failures"."amount" > 0)
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "stripe_refund_failures_checkout_session_id_idx" ON "stripe_refund_failures" USING btree ("checkout_session_id");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "stripe_disputes" (
	"dispute_id" text PRIMARY KEY NOT NULL,
	"charge_id" text NOT NULL,
	"checkout_session_id" text NOT NULL,
	"user_id" uuid NOT NULL REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action,
	"amount" integer NOT NULL,
	"currency" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "stripe_disputes_amount_non_negative" CHECK ("stripe_disputes"."amount" >= 0)
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "stripe_disputes_checkout_session_id_idx" ON "stripe_disputes" USING btree ("checkout_session_id");
