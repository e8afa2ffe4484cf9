/**
 * What Stripe has said about one purchase's payment, and what it means for the pack's credits
 * (docs/architecture.md §4 "Stripe's later word wins", docs/decisions/0210-stripe-later-word-wins.md).
 *
 * The webhook records each fact before it asks the CreditAccount (services/billing/refunds.ts):
 * a charge's cumulative refunded amount (`stripe_refunds`, only ever raised), refunds that failed
 * (`stripe_refund_failures`, final) and disputes (`stripe_disputes`, a closed status final). Every
 * fact only grows, so whatever order the events come in, and however often, the facts end alike;
 * the object then moves the pack's refund and dispute rows to the targets those facts give.
 */
import { sql } from "drizzle-orm";
import { formatMoney } from "../../config/packs";
import type { Database } from "../../db/client";
import { refundedShare } from "./inputs";

export interface RefundState {
  chargeId: string;
  checkoutSessionId: string;
  businessId: string;
  amountCharged: number;
  amountRefunded: number;
  currency: string;
}

/**
 * Dispute statuses (Stripe.Dispute.Status) after which the pack is ours again: the dispute was
 * won, the inquiry closed without a chargeback, or it was prevented (a refund, which the refund's
 * own event accounts for, settled it). Every other status, `lost` and the open ones, holds it.
 * The SQL below names the same list.
 */
export const DISPUTE_RESTORED = ["won", "warning_closed", "prevented"] as const;
/** Statuses Stripe never changes again: a later event with an open status does not reopen them. */
export const DISPUTE_CLOSED = [...DISPUTE_RESTORED, "lost"] as const;

export interface PaymentFacts {
  /** Per charge: what is refunded and not failed, and what was charged. */
  charged: number;
  refunded: number;
  currency: string | null;
  /** Sums and counts that only grow: together they name the state (the ledger keys use them). */
  refundedEver: number;
  failed: number;
  disputes: number;
  disputesRestored: number;
  disputesLost: number;
}

interface FactsRow extends Record<string, unknown> {
  charged: number | null;
  refunded: number | null;
  refunded_ever: number | null;
  failed: number | null;
  currency: string | null;
  disputes: number | null;
  disputes_restored: number | null;
  disputes_lost: number | null;
}

/** One read: the payment's refund states, failed refunds and disputes, for this user's session. */
export async function paymentFactsOf(db: Database, businessId: string, checkoutSessionId: string): Promise<PaymentFacts> {
  const result = await db.execute<FactsRow>(sql`
    with charges as (
      select r.charge_id, r.amount_charged, r.amount_refunded, r.currency,
        coalesce((select sum(f.amount) from stripe_refund_failures f where f.charge_id = r.charge_id and f.business_id = r.business_id), 0) as failed
      from stripe_refunds r where r.checkout_session_id = ${checkoutSessionId} and r.business_id = ${businessId}::uuid
    ), failures as (
      select coalesce(sum(amount), 0) as failed from stripe_refund_failures
      where checkout_session_id = ${checkoutSessionId} and business_id = ${businessId}::uuid
    ), disputes as (
      select count(*) as disputes,
        count(*) filter (where status in ('won', 'warning_closed', 'prevented')) as restored,
        count(*) filter (where status = 'lost') as lost
      from stripe_disputes where checkout_session_id = ${checkoutSessionId} and business_id = ${businessId}::uuid
    )
    select (select max(amount_charged) from charges)::int as charged,
           (select coalesce(sum(greatest(amount_refunded - failed, 0)), 0) from charges)::int as refunded,
           (select coalesce(sum(amount_refunded), 0) from charges)::int as refunded_ever,
           (select failed from failures)::int as failed,
           (select min(currency) from charges) as currency,
           (select disputes from disputes)::int as disputes,
           (select restored from disputes)::int as disputes_restored,
           (select lost from disputes)::int as disputes_lost`);
  const row = result.rows[0];
  return {
    charged: row?.charged ?? 0,
    refunded: row?.refunded ?? 0,
    currency: row?.currency ?? null,
    refundedEver: row?.refunded_ever ?? 0,
    failed: row?.failed ?? 0,
    disputes: row?.disputes ?? 0,
    disputesRestored: row?.disputes_restored ?? 0,
    disputesLost: row?.disputes_lost ?? 0,
  };
}

export interface PaymentTargets {
  /** Credits the refunds should have taken back: the share refunded and not failed. */
  refund: number;
  /** Credits the disputes should have taken back: what is left of the pack while a dispute is open or lost. */
  dispute: number;
}

/** What the facts say the pack's refund and dispute rows should add up to (taken back, as positive numbers). */
export function paymentTargets(credits: number, facts: PaymentFacts): PaymentTargets {
  const refund = facts.refunded > 0 && facts.charged > 0 ? refundedShare(credits, facts.refunded, facts.charged) : 0;
  const disputed = facts.disputes > facts.disputesRestored;
  return { refund, dispute: disputed ? Math.max(0, credits - refund) : 0 };
}

/**
 * The ledger key of a move to the targets of one state of the facts. The facts only grow, so a
 * state never comes back once left: a redelivery in the same state finds its key used and changes
 * nothing (even where a shortfall left the target unmet), a new fact gives new keys.
 */
export function paymentStateKey(kind: "refund" | "dispute", checkoutSessionId: string, facts: PaymentFacts): string {
  const state = [facts.refundedEver, facts.failed, facts.disputes, facts.disputesRestored, facts.disputesLost].join(".");
  return `stripe:${kind}:${checkoutSessionId}:${state}`;
}

/** The ledger row's words for a move of `credits` (negative: taken back). */
export function paymentDescription(kind: "refund" | "dispute", credits: number, facts: PaymentFacts): string {
  const currency = facts.currency ?? "usd";
  if (kind === "refund") {
    return credits < 0
      ? `Refund: ${formatMoney(facts.refunded, currency)} of ${formatMoney(facts.charged, currency)} refunded`
      : `Refund failed: ${formatMoney(facts.failed, currency)} did not reach the card, so its credits are back`;
  }
  return credits < 0 ? "Dispute opened on this payment: its credits are taken back while it lasts" : "Dispute closed in your favour: its credits are back";
}
