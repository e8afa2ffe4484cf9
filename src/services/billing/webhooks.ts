/**
 * What a verified Stripe event does (docs/architecture.md §4). Idempotent twice over: by event id (the
 * webhook_events row, written only after the event's work is done, so a failure leaves nothing
 * that claims success and Stripe's retry does the work) and by checkout session (the purchase's
 * ledger key `stripe:checkout:<session id>` and the ledger's unique index on it), so concurrent
 * deliveries of one event, or two events for one session, credit the pack once.
 */
import { and, eq } from "drizzle-orm";
import type Stripe from "stripe";
import type { Config } from "../../config/env";
import { webhookEvents } from "../../db/schema";
import { stripeFailure } from "../../integrations/stripe/client";
import { type CheckoutSession, chargeSchema, checkoutSessionSchema, disputeSchema, purchaseMetadataSchema, refundSchema } from "../../integrations/stripe/events";
import { sqlState } from "../../lib/sql-state";
import type { SideEffectMessage } from "../../side-effects/messages";
import type { Services } from "../create-services";
import { creditAccount } from "../credits";
import { autoTopUpOfPayment, paymentIntentFailed, paymentIntentSucceeded } from "./payment-intents";
import { recordDispute, recordRefundFailure, recordRefundState } from "./refunds";
import { recordSavedCard } from "./saved-card";

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
    case "refund.failed":
    case "refund.updated":
    case "charge.refund.updated":
      return refundUpdated(ctx, event.data.object);
    case "charge.dispute.created":
    case "charge.dispute.closed":
      return disputeChanged(ctx, event.data.object);
    case "payment_intent.succeeded":
      return paymentIntentSucceeded(ctx, event.data.object);
    case "payment_intent.payment_failed":
      return paymentIntentFailed(ctx, event.data.object);
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
  const { businessId, packId, credits } = metadata.data;
  if (session.client_reference_id && session.client_reference_id !== businessId) {
    ctx.logger.warn("checkout session's client_reference_id and metadata disagree", { sessionId: session.id });
    return `ignored: ${session.id} names two different users`;
  }
  if (session.payment_status !== "paid") return `awaiting payment for ${session.id} (payment_status ${session.payment_status})`;

  const result = await creditAccount(ctx.env, businessId).creditPurchase({
    amount: credits,
    idempotencyKey: checkoutIdempotencyKey(session.id),
    stripeCheckoutSessionId: session.id,
    description: `${packName(ctx.config, packId)} pack: ${credits.toLocaleString("en-US")} credits`,
  });
  if (!result.ok) return `ignored: ${session.id} is for a user that does not exist`;
  if (!result.entry) throw new Error("a purchase credit returned no ledger row");
  const saved = metadata.data.saveCard ? await recordSavedCard(ctx, businessId, session) : "";
  // Queued again on a duplicate too (at-least-once): the receipt's key keeps it to one email.
  await ctx.env.SIDE_EFFECTS.send(receiptMessage(session, businessId, credits, result.duplicate ? result.entry.balanceAfter : result.balance));
  const credited = `${result.duplicate ? "already credited" : "credited"} ${credits} credits for ${session.id}${saved}`;
  return result.refundedCredits ? `${credited}; took back ${result.refundedCredits} credits refunded before it was credited` : credited;
}

function receiptMessage(session: CheckoutSession, businessId: string, credits: number, balance: number): SideEffectMessage {
  return {
    type: "email.purchase_receipt",
    idempotencyKey: `receipt:${session.id}`,
    businessId,
    credits,
    amountCents: session.amount_total ?? 0,
    currency: (session.currency ?? "usd").toLowerCase(),
    balance,
  };
}

/** The Agentline purchase a payment belongs to: its checkout session and user, or why it is not one. */
type PurchaseOfPayment = { sessionId: string; businessId: string } | { ignored: string };

/**
 * Charges, refunds and disputes name their payment intent, not the checkout session, so the
 * session (and with it our purchase row) is looked up at Stripe (docs/decisions/0201-stripe-refunds.md).
 * A refund or dispute without a payment intent names its charge, which is read for it.
 */
async function purchaseOfPayment(ctx: StripeWebhookContext, what: string, paymentIntent: string | null, chargeId: string | null): Promise<PurchaseOfPayment> {
  const stripe = await ctx.stripe();
  let intent = paymentIntent;
  if (!intent && chargeId) {
    try {
      const charge = await stripe.charges.retrieve(chargeId);
      intent = typeof charge.payment_intent === "string" ? charge.payment_intent : (charge.payment_intent?.id ?? null);
    } catch (error) {
      // A charge Stripe does not know (another account or mode) is not ours: retrying cannot help.
      if ((error as { code?: string } | null)?.code === "resource_missing") return { ignored: `ignored: ${what} names a charge Stripe does not know` };
      throw stripeFailure(error, `read the charge of ${what}`);
    }
  }
  if (!intent) return { ignored: `ignored: ${what} has no payment intent` };
  // An auto top-up has no checkout session: its PaymentIntent is its purchase's anchor.
  const topUp = await autoTopUpOfPayment(ctx, intent);
  if (topUp) return topUp;
  let found: Stripe.ApiList<Stripe.Checkout.Session>;
  try {
    found = await stripe.checkout.sessions.list({ payment_intent: intent, limit: 1 });
  } catch (error) {
    throw stripeFailure(error, `find the checkout session of ${what}`);
  }
  const session = found.data[0];
  const metadata = purchaseMetadataSchema.safeParse(session?.metadata ?? {});
  if (!session || !metadata.success) return { ignored: `ignored: ${what} is not an Agentline credit purchase` };
  return { sessionId: session.id, businessId: metadata.data.businessId };
}

/**
 * Records a fact about the payment, then asks the user's CreditAccount to move the purchase to
 * what the facts now say. Recorded first, so a purchase credited at any moment after this either
 * finds the fact or is found by it (docs/decisions/0500-refunds-before-purchases.md).
 */
async function recordThenSettle(ctx: StripeWebhookContext, purchase: { sessionId: string; businessId: string }, record: () => Promise<void>) {
  try {
    await record();
  } catch (error) {
    if (sqlState(error) === "23503") return null;
    throw error;
  }
  return creditAccount(ctx.env, purchase.businessId).settlePayment({ stripeCheckoutSessionId: purchase.sessionId });
}

/** A refund takes back the refunded share of the pack (less any refund that failed). */
async function refundCharge(ctx: StripeWebhookContext, object: unknown): Promise<string> {
  const parsed = chargeSchema.safeParse(object);
  if (!parsed.success) return "ignored: unreadable charge";
  const charge = parsed.data;
  if (!charge.payment_intent) return `ignored: ${charge.id} has no payment intent`;
  const purchase = await purchaseOfPayment(ctx, charge.id, charge.payment_intent, null);
  if ("ignored" in purchase) return purchase.ignored;
  const state = { chargeId: charge.id, checkoutSessionId: purchase.sessionId, businessId: purchase.businessId, amountCharged: charge.amount, amountRefunded: charge.amount_refunded, currency: charge.currency };
  const result = await recordThenSettle(ctx, purchase, () => recordRefundState(ctx.db, state));
  if (!result || (!result.ok && result.reason === "no_such_user")) return `ignored: ${purchase.sessionId} is for a user that does not exist`;
  if (!result.ok) return `recorded the refund of ${charge.id}: ${purchase.sessionId} is not credited yet, and will be credited net of it`;
  const short = result.shortfall ? ` (${result.shortfall} already spent)` : "";
  if (result.refund < 0 || (result.refund === 0 && result.shortfall)) return `took back ${-result.refund} credits for ${charge.id}${short}`;
  if (result.refund === 0 && result.dispute === 0) return `refund already recorded for ${charge.id}`;
  return `refund of ${charge.id}: ${describeMoves(result)}`;
}

/**
 * A refund that failed gives back what it took (Stripe's later word wins, ADR 0210). `refund.failed`
 * says so outright; `refund.updated` and `charge.refund.updated` only when the status is `failed`.
 */
async function refundUpdated(ctx: StripeWebhookContext, object: unknown): Promise<string> {
  const parsed = refundSchema.safeParse(object);
  if (!parsed.success) return "ignored: unreadable refund";
  const refund = parsed.data;
  if (refund.status !== "failed") return `refund ${refund.id} is ${refund.status ?? "of no status"}; nothing to change`;
  if (!refund.charge) return `ignored: refund ${refund.id} names no charge`;
  const chargeId = refund.charge;
  const purchase = await purchaseOfPayment(ctx, `the failed refund ${refund.id}`, refund.payment_intent, chargeId);
  if ("ignored" in purchase) return purchase.ignored;
  const failure = { refundId: refund.id, chargeId, checkoutSessionId: purchase.sessionId, businessId: purchase.businessId, amount: refund.amount, currency: refund.currency };
  const result = await recordThenSettle(ctx, purchase, () => recordRefundFailure(ctx.db, failure));
  if (!result || (!result.ok && result.reason === "no_such_user")) return `ignored: ${purchase.sessionId} is for a user that does not exist`;
  if (!result.ok) return `recorded the failed refund ${refund.id}: ${purchase.sessionId} is not credited yet`;
  return `refund ${refund.id} failed: ${describeMoves(result)}`;
}

/**
 * A dispute takes back what is left of the pack while it is open, and for good when it is lost;
 * one won (or an inquiry closed, or prevented) gives it back (ADR 0210).
 */
async function disputeChanged(ctx: StripeWebhookContext, object: unknown): Promise<string> {
  const parsed = disputeSchema.safeParse(object);
  if (!parsed.success) return "ignored: unreadable dispute";
  const dispute = parsed.data;
  if (!dispute.charge) return `ignored: dispute ${dispute.id} names no charge`;
  const chargeId = dispute.charge;
  const purchase = await purchaseOfPayment(ctx, `the dispute ${dispute.id}`, dispute.payment_intent, chargeId);
  if ("ignored" in purchase) return purchase.ignored;
  const state = { disputeId: dispute.id, chargeId, checkoutSessionId: purchase.sessionId, businessId: purchase.businessId, amount: dispute.amount, currency: dispute.currency, status: dispute.status };
  const result = await recordThenSettle(ctx, purchase, () => recordDispute(ctx.db, state));
  if (!result || (!result.ok && result.reason === "no_such_user")) return `ignored: ${purchase.sessionId} is for a user that does not exist`;
  if (!result.ok) return `recorded the dispute ${dispute.id} (${dispute.status}): ${purchase.sessionId} is not credited yet, and will be credited net of it`;
  return `dispute ${dispute.id} is ${dispute.status}: ${describeMoves(result)}`;
}

/** What a settlement did, in words: "gave back 100 credits", "took back 40 credits (60 already spent)", "nothing to change". */
function describeMoves(result: { refund: number; dispute: number; shortfall: number }): string {
  const net = result.refund + result.dispute;
  const short = result.shortfall ? ` (${result.shortfall} already spent)` : "";
  if (net > 0) return `gave back ${net} credits${short}`;
  if (net < 0) return `took back ${-net} credits${short}`;
  return result.shortfall ? `nothing left to take${short}` : "nothing to change";
}

function packName(config: Config, packId: string): string {
  return config.CREDIT_PACKS.find((pack) => pack.id === packId)?.name ?? packId;
}
