/**
 * Refund states Stripe reported, kept so a refund that arrives before its purchase is credited
 * is not lost: the purchase takes it back as it is credited
 * (docs/decisions/0500-refunds-before-purchases.md). Stripe's `amount_refunded` is cumulative,
 * so only the largest one seen per charge matters.
 */
import { eq, sql } from "drizzle-orm";
import { formatMoney } from "../../config/packs";
import type { Database } from "../../db/client";
import { stripeRefunds } from "../../db/schema";
import type { RefundInput } from "../credits";

export interface RefundState {
  chargeId: string;
  checkoutSessionId: string;
  userId: string;
  amountCharged: number;
  amountRefunded: number;
  currency: string;
}

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

/** The refund states recorded for a checkout session. */
export async function refundStatesOf(db: Database, checkoutSessionId: string): Promise<RefundState[]> {
  return db
    .select({
      chargeId: stripeRefunds.chargeId,
      checkoutSessionId: stripeRefunds.checkoutSessionId,
      userId: stripeRefunds.userId,
      amountCharged: stripeRefunds.amountCharged,
      amountRefunded: stripeRefunds.amountRefunded,
      currency: stripeRefunds.currency,
    })
    .from(stripeRefunds)
    .where(eq(stripeRefunds.checkoutSessionId, checkoutSessionId));
}

/**
 * What the CreditAccount is asked to take back for one refund state. The key is one per refund
 * state of a charge, whichever event (the refund's, or the purchase's) applies it first.
 */
export function refundInput(state: Omit<RefundState, "userId">): RefundInput {
  return {
    stripeCheckoutSessionId: state.checkoutSessionId,
    amountRefunded: state.amountRefunded,
    amountCharged: state.amountCharged,
    idempotencyKey: `stripe:refund:${state.chargeId}:${state.amountRefunded}`,
    description: `Refund: ${formatMoney(state.amountRefunded, state.currency)} of ${formatMoney(state.amountCharged, state.currency)} refunded`,
  };
}
