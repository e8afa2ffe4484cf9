/**
 * The claim of an auto top-up (docs/architecture.md §4, docs/decisions/0211-auto-top-up.md): when a
 * change takes the balance from at or above the owner's level to below it, the CreditAccount (the
 * business's lock) records one `auto_top_ups` row for that crossing in ONE statement. The crossing
 * is the ledger row that crossed, unique in the table, so a retried settle or a redelivered report
 * finds the same row and never makes a second. The monthly cap is judged in the same statement:
 * what the business's calendar month (in its own timezone) already holds in pending and succeeded
 * top-ups, plus this pack, must stay within the cap, else the row is `capped` and nothing is paid.
 * Claims run inside the object's queue, so two crossings of one business never judge the cap at once.
 */
import { sql } from "drizzle-orm";
import type { CreditPack } from "../../config/packs";
import type { Database } from "../../db/client";
import type { AutoTopUpStatus } from "../../db/schema";
import type { LedgerEntry } from "./ledger";

export interface TopUpClaim {
  id: string;
  status: AutoTopUpStatus;
}

/** What spends credits: a call settled, a text charged. Refunds, disputes and adjustments take credits back; paying for them again would be wrong. */
const SPENDING: ReadonlySet<LedgerEntry["kind"]> = new Set(["call", "text"]);

/** True when spending took the balance from at or above `level` to below it. */
export function crossedBelow(entry: LedgerEntry, level: number | null): level is number {
  if (level === null || !SPENDING.has(entry.kind)) return false;
  const before = entry.balanceAfter - entry.delta;
  return before >= level && entry.balanceAfter < level;
}

/**
 * The top-up of this crossing: made now (pending or capped) or found (a retry). Null when auto
 * top-up is off, paused, has no saved card, or names a pack that is no longer sold.
 */
export async function claimAutoTopUp(db: Database, input: { businessId: string; entryId: string; packs: readonly CreditPack[] }): Promise<TopUpClaim | null> {
  const packs = JSON.stringify(input.packs.map(({ id, credits, priceCents, currency }) => ({ id, credits, price: priceCents, currency })));
  const result = await db.execute<{ id: string; status: AutoTopUpStatus }>(sql`
    with chosen as (
      -- A zone the database does not know (newer than its tz data) counts months in UTC rather than failing the settle.
      select b.id, coalesce((select z.name from pg_timezone_names z where z.name = b.timezone), 'UTC') as timezone, b.auto_top_up_monthly_cap_cents as cap, p.id as pack_id, p.credits, p.price, p.currency
      from businesses b
      join jsonb_to_recordset(${packs}::jsonb) as p(id text, credits int, price int, currency text) on p.id = b.auto_top_up_pack_id
      where b.id = ${input.businessId}::uuid and b.deleted_at is null and b.auto_top_up_enabled
        and b.auto_top_up_paused_reason is null and b.stripe_payment_method_id is not null
    ), spent as (
      select coalesce(sum(t.amount_cents), 0)::int as cents
      from auto_top_ups t join chosen c on c.id = t.business_id
      where t.status in ('pending', 'succeeded')
        and t.created_at >= (date_trunc('month', now() at time zone c.timezone) at time zone c.timezone)
    ), ins as (
      insert into auto_top_ups (business_id, crossing_entry_id, pack_id, credits, amount_cents, currency, status)
      select c.id, ${input.entryId}::uuid, c.pack_id, c.credits, c.price, c.currency,
        case when c.cap is not null and (select cents from spent) + c.price <= c.cap then 'pending' else 'capped' end
      from chosen c
      on conflict (crossing_entry_id) do nothing
      returning id, status
    )
    select id, status from ins
    union all
    select id, status from auto_top_ups where crossing_entry_id = ${input.entryId}::uuid and not exists (select 1 from ins)`);
  const row = result.rows[0];
  return row ? { id: row.id, status: row.status } : null;
}
