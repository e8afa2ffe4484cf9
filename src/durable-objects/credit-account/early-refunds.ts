/**
 * Refunds that arrived before their purchase (docs/decisions/0500-refunds-before-purchases.md):
 * the Stripe webhook records each refund state (services/billing/refunds.ts); the CreditAccount
 * reads them here when it credits the purchase and takes them back. `refundInput` is the one
 * shape of a refund the object is asked to apply, whichever event applies it first.
 */
import { eq } from "drizzle-orm";
import { formatMoney } from "../../config/packs";
import type { Database } from "../../db/client";
import { stripeRefunds } from "../../db/schema";
import type { RefundInput } from "./inputs";

export interface RefundState {
  chargeId: string;
  checkoutSessionId: string;
  userId: string;
  amountCharged: number;
  amountRefunded: number;
  currency: string;
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
