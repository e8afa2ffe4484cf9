-- The business is the tenant (ADR 0130). Every row that belonged to a user now belongs to that
-- user's business (0011 made it, with the user's id, so no value changes: a column is renamed and
-- its foreign key re-pointed); the money columns move from users to businesses. The ledger
-- invariant (the sum of a tenant's deltas is its balance) is checked before and after, and any
-- break aborts the whole migration. Safe to re-run: every step looks before it acts.
-- Live: renames are catalogue changes; the new foreign keys are added NOT VALID and validated
-- after, so no table is locked against writes while its rows are checked.
DO $$
DECLARE
  broken integer;
BEGIN
  IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'users' AND column_name = 'credit_balance') THEN
    SELECT count(*) INTO broken FROM "users" u
    WHERE u."credit_balance" <> coalesce((SELECT sum(t."delta") FROM "credit_transactions" t WHERE t."user_id" = u."id"), 0);
    IF broken > 0 THEN
      RAISE EXCEPTION 'ledger invariant broken before the tenant move for % user(s): fix the ledger (npm run db:check-ledger) first', broken;
    END IF;
    -- What changed on users since 0011 copied it (the code kept writing there until this deploy).
    INSERT INTO "businesses" ("id", "name", "timezone", "phone", "credit_balance", "allow_negative_balance", "low_credit_threshold", "stripe_customer_id", "created_at")
    SELECT u."id", coalesce(nullif(btrim(u."name"), ''), split_part(u."email", '@', 1)), u."timezone", u."phone", u."credit_balance",
           u."allow_negative_balance", u."low_credit_threshold", u."stripe_customer_id", u."created_at"
    FROM "users" u
    ON CONFLICT ("id") DO UPDATE SET
      "credit_balance" = excluded."credit_balance",
      "allow_negative_balance" = excluded."allow_negative_balance",
      "low_credit_threshold" = excluded."low_credit_threshold",
      "stripe_customer_id" = excluded."stripe_customer_id",
      "phone" = coalesce("businesses"."phone", excluded."phone");
    INSERT INTO "memberships" ("business_id", "user_id", "role", "created_at")
    SELECT u."id", u."id", 'owner', u."created_at" FROM "users" u
    ON CONFLICT ("business_id", "user_id") DO NOTHING;
  END IF;
END $$;
--> statement-breakpoint
DO $$
DECLARE
  tenant_table text;
  fk record;
BEGIN
  FOREACH tenant_table IN ARRAY ARRAY['agents', 'phone_numbers', 'calls', 'credit_transactions', 'google_connections',
                                      'stripe_refunds', 'stripe_refund_failures', 'stripe_disputes', 'booking_holds'] LOOP
    IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = tenant_table AND column_name = 'user_id') THEN
      FOR fk IN
        SELECT c.conname FROM pg_constraint c
        WHERE c.conrelid = tenant_table::regclass AND c.contype = 'f' AND c.confrelid = 'users'::regclass
      LOOP
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', tenant_table, fk.conname);
      END LOOP;
      EXECUTE format('ALTER TABLE %I RENAME COLUMN user_id TO business_id', tenant_table);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = tenant_table || '_business_id_businesses_id_fk') THEN
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (business_id) REFERENCES businesses(id) ON DELETE CASCADE NOT VALID',
                     tenant_table, tenant_table || '_business_id_businesses_id_fk');
      EXECUTE format('ALTER TABLE %I VALIDATE CONSTRAINT %I', tenant_table, tenant_table || '_business_id_businesses_id_fk');
    END IF;
  END LOOP;
END $$;
--> statement-breakpoint
ALTER INDEX IF EXISTS "agents_user_id_created_at_idx" RENAME TO "agents_business_id_created_at_idx";
--> statement-breakpoint
ALTER INDEX IF EXISTS "phone_numbers_user_id_idx" RENAME TO "phone_numbers_business_id_idx";
--> statement-breakpoint
ALTER INDEX IF EXISTS "calls_user_id_started_at_idx" RENAME TO "calls_business_id_started_at_idx";
--> statement-breakpoint
ALTER INDEX IF EXISTS "calls_user_id_created_at_idx" RENAME TO "calls_business_id_created_at_idx";
--> statement-breakpoint
ALTER INDEX IF EXISTS "credit_transactions_user_id_created_at_idx" RENAME TO "credit_transactions_business_id_created_at_idx";
--> statement-breakpoint
ALTER INDEX IF EXISTS "credit_transactions_user_purchase_idx" RENAME TO "credit_transactions_business_purchase_idx";
--> statement-breakpoint
ALTER INDEX IF EXISTS "google_connections_user_id_key" RENAME TO "google_connections_business_id_key";
--> statement-breakpoint
-- The Google flow is started by a person for the business they are working in.
ALTER TABLE "oauth_states" ADD COLUMN IF NOT EXISTS "business_id" uuid REFERENCES "businesses"("id") ON DELETE CASCADE;
--> statement-breakpoint
UPDATE "oauth_states" SET "business_id" = "user_id" WHERE "business_id" IS NULL AND EXISTS (SELECT 1 FROM "businesses" b WHERE b."id" = "oauth_states"."user_id");
--> statement-breakpoint
DELETE FROM "oauth_states" WHERE "business_id" IS NULL;
--> statement-breakpoint
ALTER TABLE "oauth_states" ALTER COLUMN "business_id" SET NOT NULL;
--> statement-breakpoint
DO $$
DECLARE
  broken integer;
BEGIN
  SELECT count(*) INTO broken FROM "businesses" b
  WHERE b."credit_balance" <> coalesce((SELECT sum(t."delta") FROM "credit_transactions" t WHERE t."business_id" = b."id"), 0);
  IF broken > 0 THEN
    RAISE EXCEPTION 'ledger invariant broken after the tenant move for % business(es)', broken;
  END IF;
END $$;
--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN IF EXISTS "credit_balance";
--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN IF EXISTS "allow_negative_balance";
--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN IF EXISTS "low_credit_threshold";
--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN IF EXISTS "stripe_customer_id";
--> statement-breakpoint
ALTER TABLE "users" DROP COLUMN IF EXISTS "phone";
