/**
 * What a verified Stripe event does (DESIGN §4). Idempotent twice over: by event id (the
 * webhook_events row, written only after the event's work is done, so a failure leaves nothing
 * that claims success and Stripe's retry does the work) and by checkout session (the purchase's
 * ledger key `stripe:checkout:<session id>` and the ledger's unique index on it), so concurrent
 * deliveries of one event, or two events for one session, credit the pack once.
 */
import { and, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { webhookEvents } from "../../db/schema";
import { refundInput } from "../../durable-objects/credit-account/early-refunds";
import type { Config } from "../../env";
import { stripeFailure } from "../../integrations/stripe/client";
import { type CheckoutSession, chargeSchema, checkoutSessionSchema, purchaseMetadataSchema } from "../../integrations/stripe/events";
import { sqlState } from "../../lib/sql-state";
import type { SideEffectMessage } from "../../queues/messages";
import type { Services } from "../create-services";
import { creditAccount } from "../credits";
import { recordRefundState } from "./refunds";

export type StripeWebhookContext = Pick<Services, "db" | "env" | "config" | "logger" | "stripe">;

export interface StripeWebhookResult {
  duplicate: boolean;
  outcome: string;
}

export const checkoutIdempotencyKey = (sessionId: string) => `stripe:checkout:${sessionId}`;

export async function handleStripeEvent(ctx: StripeWebhookContext, event: Pick<Stripe.Event, "id" | "type" | "data">): Promise<StripeWebhookResult> {
  const [seen] = await ctx.db
    .select({ outcome: webhookEvents.outcome })
    .from(webhookEvents)
    .where(and(eq(webhookEvents.provider, "stripe"), eq(webhookEvents.eventId, event.id)));
  if (seen) return { duplicate: true, outcome: seen.outcome };

  const outcome = await act(ctx, event);
  await ctx.db.insert(webhookEvents).values({ provider: "stripe", eventId: event.id, outcome }).onConflictDoNothing();
  ctx.logger.info("stripe event handled", { eventId: event.id, type: event.type, outcome });
  return { duplicate: false, outcome };
}

async function act(ctx: StripeWebhookContext, event: Pick<Stripe.Event, "type" | "data">): Promise<string> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return creditCheckout(ctx, event.data.object);
    case "checkout.session.async_payment_failed": {
      const session = checkoutSessionSchema.safeParse(event.data.object);
      // Nothing was credited for an unpaid session, so there is nothing to undo.
      return `async payment failed for ${session.success ? session.data.id : "an unreadable session"}; nothing credited`;
    }
    case "charge.refunded":
      return refundCharge(ctx, event.data.object);
    default:
      return `ignored: ${event.type}`;
  }
}

async function creditCheckout(ctx: StripeWebhookContext, object: unknown): Promise<string> {
  const parsed = checkoutSessionSchema.safeParse(object);
  if (!parsed.success) return "ignored: unreadable checkout session";
  const session = parsed.data;
  const metadata = purchaseMetadataSchema.safeParse(session.metadata ?? {});
  if (!metadata.success || session.mode !== "payment") return `ignored: ${session.id} is not an Agentline credit purchase`;
  const { userId, packId, credits } = metadata.data;
  if (session.client_reference_id && session.client_reference_id !== userId) {
    ctx.logger.warn("checkout session's client_reference_id and metadata disagree", { sessionId: session.id });
    return `ignored: ${session.id} names two different users`;
  }
  if (session.payment_status !== "paid") return `awaiting payment for ${session.id} (payment_status ${session.payment_status})`;

  const result = await creditAccount(ctx.env, userId).creditPurchase({
    amount: credits,
    idempotencyKey: checkoutIdempotencyKey(session.id),
    stripeCheckoutSessionId: session.id,
    description: `${packName(ctx.config, packId)} pack: ${credits.toLocaleString("en-US")} credits`,
  });
  if (!result.ok) return `ignored: ${session.id} is for a user that does not exist`;
  if (!result.entry) throw new Error("a purchase credit returned no ledger row");
  // Queued again on a duplicate too (at-least-once): the receipt's key keeps it to one email.
  await ctx.env.SIDE_EFFECTS.send(receiptMessage(session, userId, credits, result.duplicate ? result.entry.balanceAfter : result.balance));
  const credited = result.duplicate ? `already credited ${credits} credits for ${session.id}` : `credited ${credits} credits for ${session.id}`;
  return result.refundedCredits ? `${credited}; took back ${result.refundedCredits} credits refunded before it was credited` : credited;
}

function receiptMessage(session: CheckoutSession, userId: string, credits: number, balance: number): SideEffectMessage {
  return {
    type: "email.purchase_receipt",
    idempotencyKey: `receipt:${session.id}`,
    userId,
    credits,
    amountCents: session.amount_total ?? 0,
    currency: (session.currency ?? "usd").toLowerCase(),
    balance,
  };
}

/**
 * A refund takes back the refunded share of the pack. The charge names its payment intent, not
 * the checkout session, so the session (and with it our purchase row) is looked up at Stripe
 * (docs/decisions/0201-stripe-refunds.md).
 */
async function refundCharge(ctx: StripeWebhookContext, object: unknown): Promise<string> {
  const parsed = chargeSchema.safeParse(object);
  if (!parsed.success) return "ignored: unreadable charge";
  const charge = parsed.data;
  if (!charge.payment_intent) return `ignored: ${charge.id} has no payment intent`;
  let found: Stripe.ApiList<Stripe.Checkout.Session>;
  try {
    found = await (await ctx.stripe()).checkout.sessions.list({ payment_intent: charge.payment_intent, limit: 1 });
  } catch (error) {
    throw stripeFailure(error, "find the checkout session of a refunded charge");
  }
  const session = found.data[0];
  const metadata = purchaseMetadataSchema.safeParse(session?.metadata ?? {});
  if (!session || !metadata.success) return `ignored: ${charge.id} is not an Agentline credit purchase`;
  const state = {
    chargeId: charge.id,
    checkoutSessionId: session.id,
    amountCharged: charge.amount,
    amountRefunded: charge.amount_refunded,
    currency: charge.currency,
  };
  // Recorded before the account is asked, so a purchase credited at any moment after this
  // either finds the refund recorded or is found by it (docs/decisions/0500-refunds-before-purchases.md).
  try {
    await recordRefundState(ctx.db, { ...state, userId: metadata.data.userId });
  } catch (error) {
    if (sqlState(error) === "23503") return `ignored: ${session.id} is for a user that does not exist`;
    throw error;
  }
  // Stripe reports the cumulative refunded amount: one key per refund state of the charge.
  const result = await creditAccount(ctx.env, metadata.data.userId).refundPurchase(refundInput(state));
  if (!result.ok) {
    return result.reason === "purchase_not_found"
      ? `recorded the refund of ${charge.id}: ${session.id} is not credited yet, and will be credited net of it`
      : `ignored: ${session.id} is for a user that does not exist`;
  }
  if (result.duplicate) return `refund already recorded for ${charge.id}`;
  const short = result.shortfall ? ` (${result.shortfall} already spent)` : "";
  return `took back ${result.refundedCredits} credits for ${charge.id}${short}`;
}

function packName(config: Config, packId: string): string {
  return config.CREDIT_PACKS.find((pack) => pack.id === packId)?.name ?? packId;
}
