/**
 * Auto top-up's payment (docs/architecture.md §4, docs/decisions/0211-auto-top-up.md). The
 * CreditAccount claimed one `auto_top_ups` row for a crossing below the owner's level; this makes
 * its off-session PaymentIntent with the card saved at checkout. The Stripe Idempotency-Key is
 * derived from the row (`agentline-auto-top-up-<id>`), so a redelivered queue message, or two
 * consumers at once, get Stripe's first answer back and never a second payment. The credits do not
 * come from here: `payment_intent.succeeded` grants them through the purchase path (webhooks), once.
 * A decline or an authentication request pauses auto top-up and e-mails the owner a link to buy.
 */
import { and, eq, isNull, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { autoTopUps, businesses } from "../../db/schema";
import { stripeFailure } from "../../integrations/stripe/client";
import type { Services } from "../create-services";
import { pauseReasonOf } from "./auto-top-up-view";

export type AutoTopUpContext = Pick<Services, "db" | "env" | "logger" | "stripe">;

export const autoTopUpIdempotencyKey = (topUpId: string) => `agentline-auto-top-up-${topUpId}`;

/** Why a payment failed, as the pause records it. */
export interface PaymentFailure {
  code: string;
  message: string;
  paymentIntentId: string | null;
}

/** Makes (or, on a redelivery, finds again at Stripe) the payment of one pending top-up. */
export async function payAutoTopUp(ctx: AutoTopUpContext, businessId: string, topUpId: string): Promise<void> {
  const [row] = await ctx.db
    .select({ topUp: autoTopUps, customer: businesses.stripeCustomerId, paymentMethod: businesses.stripePaymentMethodId })
    .from(autoTopUps)
    .innerJoin(businesses, eq(businesses.id, autoTopUps.businessId))
    .where(and(eq(autoTopUps.id, topUpId), eq(autoTopUps.businessId, businessId)));
  if (!row) {
    ctx.logger.info("auto top-up for a row that is gone; skipped", { topUpId });
    return;
  }
  const { topUp } = row;
  // At-least-once: a failure whose e-mail could not be queued is queued again by the retry.
  if (topUp.status === "failed") return queuePausedEmail(ctx, topUp.businessId, topUp.id);
  if (topUp.status !== "pending") return;
  if (!row.customer || !row.paymentMethod) {
    return failAutoTopUp(ctx, topUp.id, { code: "no_saved_card", message: "There is no saved card to charge.", paymentIntentId: null });
  }
  const stripe = await ctx.stripe();
  let intent: Stripe.PaymentIntent;
  try {
    intent = await stripe.paymentIntents.create(
      {
        amount: topUp.amountCents,
        currency: topUp.currency,
        customer: row.customer,
        payment_method: row.paymentMethod,
        off_session: true,
        confirm: true,
        description: `Agentline auto top-up: ${topUp.credits.toLocaleString("en-US")} credits`,
        metadata: { businessId: topUp.businessId, packId: topUp.packId, credits: String(topUp.credits), autoTopUpId: topUp.id },
      },
      { idempotencyKey: autoTopUpIdempotencyKey(topUp.id) },
    );
  } catch (error) {
    const failure = paymentFailure(error);
    // Anything else (Stripe unreachable, 5xx, rate limited) is retried by the queue with the same key.
    if (!failure) throw stripeFailure(error, "make the auto top-up payment");
    return failAutoTopUp(ctx, topUp.id, failure);
  }
  if (intent.status === "requires_action" || intent.status === "requires_payment_method") {
    const code = intent.status === "requires_action" ? "authentication_required" : (intent.last_payment_error?.code ?? "card_declined");
    return failAutoTopUp(ctx, topUp.id, { code, message: intent.last_payment_error?.message ?? "The bank asked to confirm this payment.", paymentIntentId: intent.id });
  }
  await ctx.db.update(autoTopUps).set({ paymentIntentId: intent.id, updatedAt: new Date() }).where(and(eq(autoTopUps.id, topUp.id), isNull(autoTopUps.paymentIntentId)));
  ctx.logger.info("auto top-up payment made", { businessId: topUp.businessId, topUpId: topUp.id, paymentIntentId: intent.id, status: intent.status });
}

/**
 * A card error (declined, authentication required, expired…) or a request Stripe refuses for the
 * card (detached, deleted): the owner must act, so it pauses. Null for what a retry can fix.
 */
function paymentFailure(error: unknown): PaymentFailure | null {
  const stripeError = error as { type?: string; code?: string; message?: string; raw?: { payment_intent?: { id?: string } }; payment_intent?: { id?: string } } | null;
  if (!stripeError || typeof stripeError !== "object") return null;
  const paymentIntentId = stripeError.payment_intent?.id ?? stripeError.raw?.payment_intent?.id ?? null;
  if (stripeError.type === "StripeCardError") {
    return { code: stripeError.code ?? "card_declined", message: stripeError.message ?? "The card was declined.", paymentIntentId };
  }
  if (stripeError.type === "StripeInvalidRequestError" && (stripeError.code === "resource_missing" || stripeError.code === "payment_method_unexpected_state")) {
    return { code: stripeError.code, message: stripeError.message ?? "The saved card can no longer be charged.", paymentIntentId };
  }
  return null;
}

/**
 * Marks the top-up failed and pauses auto top-up (one transaction), then queues the owner's
 * e-mail. Idempotent: a decline seen twice (the API's answer, then `payment_intent.payment_failed`)
 * pauses once and e-mails once (the e-mail's key is the top-up's).
 */
export async function failAutoTopUp(ctx: AutoTopUpContext, topUpId: string, failure: PaymentFailure): Promise<void> {
  // The pause first: it applies only while the top-up is still pending, which the second statement ends.
  const [, failed] = await ctx.db.batch([
    ctx.db.execute(sql`
      update businesses set auto_top_up_paused_reason = ${pauseReasonOf(failure.code)}, auto_top_up_paused_at = now(), updated_at = now()
      where id = (select business_id from auto_top_ups where id = ${topUpId}::uuid and status = 'pending') and auto_top_up_paused_reason is null`),
    ctx.db
      .update(autoTopUps)
      .set({
        status: "failed",
        failureCode: failure.code.slice(0, 100),
        failureMessage: failure.message.slice(0, 500),
        paymentIntentId: sql`coalesce(${autoTopUps.paymentIntentId}, ${failure.paymentIntentId})`,
        updatedAt: new Date(),
      })
      .where(and(eq(autoTopUps.id, topUpId), eq(autoTopUps.status, "pending")))
      .returning({ businessId: autoTopUps.businessId }),
  ]);
  const businessId = failed[0]?.businessId;
  const [row] = businessId ? [{ businessId }] : await ctx.db.select({ businessId: autoTopUps.businessId, status: autoTopUps.status }).from(autoTopUps).where(eq(autoTopUps.id, topUpId));
  if (!row) return;
  if (businessId) ctx.logger.warn("auto top-up paused", { businessId, topUpId, code: failure.code });
  await queuePausedEmail(ctx, row.businessId, topUpId);
}

async function queuePausedEmail(ctx: AutoTopUpContext, businessId: string, topUpId: string): Promise<void> {
  await ctx.env.SIDE_EFFECTS.send({ type: "email.auto_top_up_paused", idempotencyKey: `auto-top-up-paused:${topUpId}`, businessId, topUpId });
}
