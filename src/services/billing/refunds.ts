/**
 * Refund states Stripe reported (`charge.refunded`), kept so a refund that arrives before its
 * purchase is credited is not lost: the CreditAccount takes it back as it credits the purchase
 * (durable-objects/credit-account/early-refunds.ts, docs/decisions/0500-refunds-before-purchases.md).
 * Stripe's `amount_refunded` is cumulative, so only the largest one seen per charge matters.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { stripeRefunds } from "../../db/schema";
import type { RefundState } from "../../durable-objects/credit-account/early-refunds";

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
