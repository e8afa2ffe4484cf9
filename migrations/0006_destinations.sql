-- Destination policy and the purchase rule (ADR 0420): assistant-request and the number purchase
-- ask whether the business has ever completed a purchase; a partial index keeps that one index
-- probe however many call rows the ledger holds. ("Is this one of our numbers?" already has the
-- unique index on phone_numbers.e164.) Safe to re-run.
CREATE INDEX IF NOT EXISTS "credit_transactions_user_purchase_idx" ON "credit_transactions" ("user_id") WHERE "kind" = 'purchase';
