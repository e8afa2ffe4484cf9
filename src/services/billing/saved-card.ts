/**
 * The card saved at checkout for auto top-up (docs/decisions/0211-auto-top-up.md). A checkout the
 * owner started with "save my card" asks Stripe for `setup_future_usage=off_session`; when it is
 * paid, its PaymentIntent names the PaymentMethod Stripe attached to the business's customer. We
 * keep that id, and the card's brand, last four and expiry for people (never the number). A new
 * card also lifts a pause: the card that was declined is no longer the one charged (the same card
 * again, from a redelivered event, does not).
 */
import { eq, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { businesses, type SavedCard } from "../../db/schema";
import { stripeFailure } from "../../integrations/stripe/client";
import type { CheckoutSession } from "../../integrations/stripe/events";
import type { Services } from "../create-services";

/** Records the session's card on the business; answers what it did, for the webhook's outcome. */
export async function recordSavedCard(ctx: Pick<Services, "db" | "logger" | "stripe">, businessId: string, session: CheckoutSession): Promise<string> {
  if (!session.payment_intent) return "; no payment intent to save a card from";
  const stripe = await ctx.stripe();
  let intent: Stripe.PaymentIntent;
  try {
    intent = await stripe.paymentIntents.retrieve(session.payment_intent, { expand: ["payment_method"] });
  } catch (error) {
    throw stripeFailure(error, "read the payment's card");
  }
  const method = typeof intent.payment_method === "string" ? null : intent.payment_method;
  if (!method || intent.setup_future_usage !== "off_session") return "; the card was not saved for later payments";
  const card: SavedCard | null = method.card
    ? { brand: method.card.brand, last4: method.card.last4, expMonth: method.card.exp_month ?? null, expYear: method.card.exp_year ?? null }
    : null;
  await ctx.db
    .update(businesses)
    .set({
      stripePaymentMethodId: method.id,
      savedCard: card,
      // Only a different card lifts a pause: a redelivered event of the card that failed must not.
      autoTopUpPausedReason: sql`case when ${businesses.stripePaymentMethodId} is distinct from ${method.id} then null else ${businesses.autoTopUpPausedReason} end`,
      autoTopUpPausedAt: sql`case when ${businesses.stripePaymentMethodId} is distinct from ${method.id} then null else ${businesses.autoTopUpPausedAt} end`,
      updatedAt: new Date(),
    })
    .where(eq(businesses.id, businessId));
  ctx.logger.info("card saved for auto top-up", { businessId, paymentMethodId: method.id });
  return `; saved the card${card ? ` ending ${card.last4}` : ""}`;
}
