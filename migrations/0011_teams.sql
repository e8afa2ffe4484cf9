-- Teams (docs/architecture.md §3 tenancy, §7c; ADR 0130): the business becomes the tenant. This
-- migration adds the tables and gives every existing user one business (its id the user's, so
-- every row keyed by the user already names its business and the CreditAccount addressed by that
-- id, holds included, is the business's) with that user as owner. 0012 re-points the rows.
-- Safe to re-run: every step is IF NOT EXISTS or ON CONFLICT DO NOTHING.
CREATE TABLE IF NOT EXISTS "businesses" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"phone" text,
	"credit_balance" integer DEFAULT 0 NOT NULL,
	"allow_negative_balance" boolean DEFAULT false NOT NULL,
	"low_credit_threshold" integer DEFAULT 10 NOT NULL,
	"stripe_customer_id" text,
	"retention_days" integer DEFAULT 90 NOT NULL,
	"auto_top_up_enabled" boolean DEFAULT false NOT NULL,
	"auto_top_up_pack_id" text,
	"auto_top_up_when_below" integer,
	"auto_top_up_monthly_cap_cents" integer,
	"deleted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "businesses_name_not_blank" CHECK (length(btrim("name")) > 0),
	CONSTRAINT "businesses_phone_e164" CHECK ("phone" is null or "phone" ~ '^\+[1-9][0-9]{7,14}$'),
	CONSTRAINT "businesses_balance_non_negative" CHECK ("credit_balance" >= 0 or "allow_negative_balance"),
	CONSTRAINT "businesses_threshold_non_negative" CHECK ("low_credit_threshold" >= 0),
	CONSTRAINT "businesses_retention_days_range" CHECK ("retention_days" between 1 and 3650)
);
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "businesses_stripe_customer_id_key" ON "businesses" ("stripe_customer_id");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "memberships" (
	"business_id" uuid NOT NULL REFERENCES "businesses"("id") ON DELETE CASCADE,
	"user_id" uuid NOT NULL REFERENCES "users"("id") ON DELETE CASCADE,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_pkey" PRIMARY KEY ("business_id", "user_id"),
	CONSTRAINT "memberships_role_valid" CHECK ("role" in ('owner', 'admin', 'staff'))
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "memberships_user_id_idx" ON "memberships" ("user_id");
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"business_id" uuid NOT NULL REFERENCES "businesses"("id") ON DELETE CASCADE,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"accepted_by" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "invitations_role_valid" CHECK ("role" in ('owner', 'admin', 'staff')),
	CONSTRAINT "invitations_email_lower" CHECK ("email" = lower("email"))
);
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "invitations_token_hash_key" ON "invitations" ("token_hash");
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "invitations_pending_email_key" ON "invitations" ("business_id", "email") WHERE "accepted_at" is null;
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "audit_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"business_id" uuid NOT NULL REFERENCES "businesses"("id") ON DELETE CASCADE,
	"user_id" uuid REFERENCES "users"("id") ON DELETE SET NULL,
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"detail" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "audit_events_business_id_created_at_idx" ON "audit_events" ("business_id", "created_at", "id");
--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN IF NOT EXISTS "business_id" uuid REFERENCES "businesses"("id") ON DELETE SET NULL;
--> statement-breakpoint
-- Before 0012 the money columns are still on users; after it (a re-run) there is nothing to copy.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'credit_balance') THEN
    INSERT INTO "businesses" ("id", "name", "timezone", "phone", "credit_balance", "allow_negative_balance", "low_credit_threshold", "stripe_customer_id", "created_at", "updated_at")
    SELECT u."id", coalesce(nullif(btrim(u."name"), ''), split_part(u."email", '@', 1)), u."timezone", u."phone", u."credit_balance",
           u."allow_negative_balance", u."low_credit_threshold", u."stripe_customer_id", u."created_at", now()
    FROM "users" u
    ON CONFLICT ("id") DO NOTHING;
    INSERT INTO "memberships" ("business_id", "user_id", "role", "created_at")
    SELECT u."id", u."id", 'owner', u."created_at" FROM "users" u
    ON CONFLICT ("business_id", "user_id") DO NOTHING;
  END IF;
END $$;
