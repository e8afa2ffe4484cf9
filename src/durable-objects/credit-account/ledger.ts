/**
 * The ledger's SQL (docs/architecture.md §3). Only the CreditAccount object calls the writing half, inside
 * its lock; every write is ONE statement, because Neon over HTTP has no interactive
 * transactions: it moves businesses.credit_balance from the balance the object expects and appends
 * the ledger row, or does nothing at all.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";

/** created_at as ISO-8601 UTC with microseconds, whatever the session's DateStyle. */
const ISO_CREATED_AT = sql.raw(`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

export type CreditKind = "purchase" | "call" | "adjustment" | "refund" | "dispute" | "text";

export interface LedgerEntry {
  id: string;
  delta: number;
  balanceAfter: number;
  kind: CreditKind;
  createdAt: string;
}

export interface AccountRow {
  balance: number;
  allowNegative: boolean;
  threshold: number;
  /** The auto top-up level while auto top-up is on and not paused (ADR 0211); null otherwise. */
  topUpBelow: number | null;
}

/** The auto top-up level as the row says it, null when auto top-up is off or paused. */
const TOP_UP_BELOW = sql.raw(`case when auto_top_up_enabled and auto_top_up_paused_reason is null then auto_top_up_when_below end`);

export interface LedgerWrite {
  businessId: string;
  /** The balance the object believes the user has; the write happens only if it still does. */
  expectedBalance: number;
  delta: number;
  kind: CreditKind;
  idempotencyKey: string;
  stripeCheckoutSessionId?: string | null;
  callId?: string | null;
  description?: string | null;
}

export type LedgerWriteOutcome =
  | { status: "applied"; entry: LedgerEntry; threshold: number; topUpBelow: number | null }
  /** The key was used before: nothing changed; `entry` is the first write's row. */
  | { status: "duplicate"; entry: LedgerEntry; ownerId: string; account: AccountRow }
  /** The balance was not what the object expected (it was changed elsewhere): nothing changed. */
  | { status: "stale"; account: AccountRow }
  | { status: "no_user" };

interface EntryJson {
  id: string;
  business_id?: string;
  delta: number;
  balance_after: number;
  kind: CreditKind;
  created_at: string;
}

interface WriteRow extends Record<string, unknown> {
  inserted: EntryJson | null;
  prior: EntryJson | null;
  threshold: number | null;
  top_up_below: number | null;
  current_balance: number | null;
  allow_negative: boolean | null;
}

export async function loadAccount(db: Database, businessId: string): Promise<AccountRow | null> {
  const result = await db.execute<{ credit_balance: number; allow_negative_balance: boolean; low_credit_threshold: number; top_up_below: number | null }>(sql`
    select credit_balance, allow_negative_balance, low_credit_threshold, ${TOP_UP_BELOW} as top_up_below from businesses where id = ${businessId}::uuid`);
  const row = result.rows[0];
  return row ? { balance: row.credit_balance, allowNegative: row.allow_negative_balance, threshold: row.low_credit_threshold, topUpBelow: row.top_up_below ?? null } : null;
}

/**
 * One statement: the UPDATE takes the user's row lock and applies only when the balance is the
 * expected one and the key is new; the INSERT appends the row from the UPDATE's result. A race on
 * the key (two writers with one key) makes the INSERT fail with 23505, which rolls back the
 * UPDATE too: there is no ON CONFLICT DO NOTHING here, because a skipped insert after an applied
 * update would move the balance without a ledger row.
 */
export async function writeLedger(db: Database, write: LedgerWrite): Promise<LedgerWriteOutcome> {
  const after = write.expectedBalance + write.delta;
  const result = await db.execute<WriteRow>(sql`
    with prior as (
      select id, business_id, delta, balance_after, kind, created_at
      from credit_transactions where idempotency_key = ${write.idempotencyKey}
    ), upd as (
      update businesses set credit_balance = ${after}::int, updated_at = now()
      where id = ${write.businessId}::uuid and credit_balance = ${write.expectedBalance}::int
        and not exists (select 1 from prior)
      returning low_credit_threshold, ${TOP_UP_BELOW} as top_up_below
    ), ins as (
      insert into credit_transactions
        (business_id, delta, balance_after, kind, idempotency_key, stripe_checkout_session_id, call_id, description, created_at)
      select ${write.businessId}::uuid, ${write.delta}::int, ${after}::int, ${write.kind}::text, ${write.idempotencyKey}::text,
        ${write.stripeCheckoutSessionId ?? null}::text, ${write.callId ?? null}::uuid, ${write.description ?? null}::text,
        clock_timestamp()
      from upd
      returning id, delta, balance_after, kind, created_at
    )
    select (select row_to_json(ins) from ins) as inserted,
           (select row_to_json(prior) from prior) as prior,
           coalesce((select low_credit_threshold from upd), u.low_credit_threshold) as threshold,
           case when exists (select 1 from upd) then (select top_up_below from upd)
                else (case when u.auto_top_up_enabled and u.auto_top_up_paused_reason is null then u.auto_top_up_when_below end) end as top_up_below,
           u.credit_balance as current_balance,
           u.allow_negative_balance as allow_negative
    from (select 1) as one left join businesses u on u.id = ${write.businessId}::uuid`);
  const row = result.rows[0];
  if (!row) throw new Error("ledger write returned no row");
  const topUpBelow = row.top_up_below ?? null;
  if (row.inserted) return { status: "applied", entry: toEntry(row.inserted), threshold: row.threshold ?? 0, topUpBelow };
  if (row.current_balance === null) return { status: "no_user" };
  const account = { balance: row.current_balance, allowNegative: Boolean(row.allow_negative), threshold: row.threshold ?? 0, topUpBelow };
  if (row.prior) return { status: "duplicate", entry: toEntry(row.prior), ownerId: row.prior.business_id ?? "", account };
  return { status: "stale", account };
}

/** The row written with an idempotency key, and whose it is. */
export async function findEntry(db: Database, idempotencyKey: string) {
  const result = await db.execute<EntryJson & { business_id: string } & Record<string, unknown>>(sql`
    select id, business_id, delta, balance_after, kind, ${ISO_CREATED_AT} as created_at
    from credit_transactions where idempotency_key = ${idempotencyKey}`);
  const row = result.rows[0];
  return row ? { entry: toEntry(row), ownerId: row.business_id } : null;
}

/** The purchase row of a checkout session, whatever key it was written with. */
export async function findPurchaseEntry(db: Database, checkoutSessionId: string) {
  const result = await db.execute<EntryJson & { business_id: string } & Record<string, unknown>>(sql`
    select id, business_id, delta, balance_after, kind, ${ISO_CREATED_AT} as created_at
    from credit_transactions where kind = 'purchase' and stripe_checkout_session_id = ${checkoutSessionId}`);
  const row = result.rows[0];
  return row ? { entry: toEntry(row), ownerId: row.business_id } : null;
}

/** A purchase row of this user, by checkout session (the anchor of its refunds and disputes), with what they took back so far. */
export async function findPurchase(db: Database, businessId: string, checkoutSessionId: string) {
  const result = await db.execute<{ id: string; delta: number; refunded: number; disputed: number }>(sql`
    select p.id, p.delta,
      coalesce((select -sum(r.delta) from credit_transactions r
                where r.business_id = p.business_id and r.kind = 'refund' and r.stripe_checkout_session_id = p.stripe_checkout_session_id), 0)::int as refunded,
      coalesce((select -sum(d.delta) from credit_transactions d
                where d.business_id = p.business_id and d.kind = 'dispute' and d.stripe_checkout_session_id = p.stripe_checkout_session_id), 0)::int as disputed
    from credit_transactions p
    where p.business_id = ${businessId}::uuid and p.kind = 'purchase' and p.stripe_checkout_session_id = ${checkoutSessionId}`);
  const row = result.rows[0];
  return row ? { id: row.id, credits: row.delta, refundedCredits: row.refunded, disputedCredits: row.disputed } : null;
}

function toEntry(json: EntryJson): LedgerEntry {
  return {
    id: json.id,
    delta: json.delta,
    balanceAfter: json.balance_after,
    kind: json.kind,
    createdAt: new Date(json.created_at).toISOString(),
  };
}

export { sqlState } from "../../lib/sql-state";
