/**
 * What Stripe said about a purchase's payment, recorded before the CreditAccount is asked
 * (durable-objects/credit-account/payment-facts.ts, docs/decisions/0500-refunds-before-purchases.md,
 * 0210-stripe-later-word-wins.md). Each record only grows, so any order of events, redelivered
 * any number of times, leaves the same records:
 * - refund states (`charge.refunded`): Stripe's `amount_refunded` is cumulative, so only the
 *   largest one seen per charge is kept;
 * - failed refunds (`refund.failed`, a refund updated to `failed`): final, kept once;
 * - disputes (`charge.dispute.*`): the latest status, except that a closed one is never reopened.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { stripeDisputes, stripeRefundFailures, stripeRefunds } from "../../db/schema";
import { DISPUTE_CLOSED, type RefundState } from "../../durable-objects/credit-account/payment-facts";

/** Records a refund state; a state older than the one kept (a smaller cumulative amount) changes nothing. */
export async function recordRefundState(db: Database, state: RefundState): Promise<void> {
  await db
    .insert(stripeRefunds)
    .values(state)
    .onConflictDoUpdate({
      target: stripeRefunds.chargeId,
      set: {
        amountRefunded: sql`greatest(${stripeRefunds.amountRefunded}, excluded.amount_refunded)`,
        amountCharged: sql`excluded.amount_charged`,
        updatedAt: sql`now()`,
      },
    });
}

export interface RefundFailure {
  refundId: string;
  chargeId: string;
  checkoutSessionId: string;
  businessId: string;
  amount: number;
  currency: string;
}

/** Records a failed refund; a failed refund never succeeds later, so a second record changes nothing. */
export async function recordRefundFailure(db: Database, failure: RefundFailure): Promise<void> {
  await db.insert(stripeRefundFailures).values(failure).onConflictDoNothing();
}

export interface DisputeState {
  disputeId: string;
  chargeId: string;
  checkoutSessionId: string;
  businessId: string;
  amount: number;
  currency: string;
  status: string;
}

/** Records a dispute's status; once closed (won, lost, …) a later event's status does not change it. */
export async function recordDispute(db: Database, dispute: DisputeState): Promise<void> {
  const closed = sql.join(
    DISPUTE_CLOSED.map((status) => sql`${status}`),
    sql`, `,
  );
  await db
    .insert(stripeDisputes)
    .values(dispute)
    .onConflictDoUpdate({
      target: stripeDisputes.disputeId,
      set: {
        status: sql`case when ${stripeDisputes.status} in (${closed}) then ${stripeDisputes.status} else excluded.status end`,
        updatedAt: sql`now()`,
      },
    });
}
