/**
 * "Has this business paid?" (docs/architecture.md §4, docs/decisions/0420-destination-policy.md): only then may
 * it buy numbers or have callers forwarded. A business has paid while one of its purchases still
 * stands by what Stripe has said about its money (the facts of services/billing/refunds.ts):
 * not refunded in full (refunds that failed do not count as refunded), and not under a dispute
 * that is open or lost. A pack bought and then refunded or charged back is no payment: otherwise
 * the smallest pack, disputed at once, would buy forwarding and numbers for good. A partial
 * refund leaves the purchase standing. One SQL expression, so the hot path's single statement and
 * the number cap's batch each ask it without a round trip of their own.
 */
import { type SQL, sql } from "drizzle-orm";

/** True when the user (`businessId`, an SQL expression of type uuid) has a purchase that still stands. */
export function hasPaid(businessId: SQL): SQL {
  return sql`exists (
    select 1 from credit_transactions t
    where t.business_id = ${businessId} and t.kind = 'purchase'
      and not exists (
        select 1 from stripe_refunds r
        where r.business_id = t.business_id and r.checkout_session_id = t.stripe_checkout_session_id
          and r.amount_refunded - coalesce((select sum(f.amount) from stripe_refund_failures f
                                            where f.charge_id = r.charge_id and f.business_id = r.business_id), 0) >= r.amount_charged)
      and not exists (
        select 1 from stripe_disputes d
        where d.business_id = t.business_id and d.checkout_session_id = t.stripe_checkout_session_id
          and d.status not in ('won', 'warning_closed', 'prevented')))`;
}
