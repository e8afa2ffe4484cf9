/**
 * Buying credits (docs/architecture.md §4): a Stripe Checkout Session for a configured pack, with the business's
 * Stripe customer created once and reused. The credits themselves arrive with the webhook.
 */
import { and, eq, isNull } from "drizzle-orm";
import type Stripe from "stripe";
import type { Config } from "../../config/env";
import type { CreditPack } from "../../config/packs";
import type { Database } from "../../db/client";
import { businesses } from "../../db/schema";
import { stripeFailure } from "../../integrations/stripe/client";

/** Who buys: the business (its id, name and Stripe customer) and the person paying's e-mail. */
export interface Buyer {
  id: string;
  email: string;
  name: string | null;
  stripeCustomerId: string | null;
}

/**
 * The business's Stripe customer id, creating the customer on first use. `replacing` names a stored
 * customer Stripe no longer knows (deleted, or from another account or mode), to make a new one.
 */
export async function ensureStripeCustomer(
  db: Database,
  stripe: Stripe,
  user: Buyer,
  replacing?: string,
) {
  if (user.stripeCustomerId && user.stripeCustomerId !== replacing) return user.stripeCustomerId;
  if (replacing) {
    await db.update(businesses).set({ stripeCustomerId: null, updatedAt: new Date() }).where(and(eq(businesses.id, user.id), eq(businesses.stripeCustomerId, replacing)));
  }
  let customer: Stripe.Customer;
  try {
    // One key per business (and per replaced customer): two checkouts started at once get the same
    // customer back from Stripe (its idempotency keys live 24 hours), never two.
    customer = await stripe.customers.create(
      { email: user.email, ...(user.name ? { name: user.name } : {}), metadata: { businessId: user.id } },
      { idempotencyKey: replacing ? `agentline-customer-${user.id}-replacing-${replacing}` : `agentline-customer-${user.id}` },
    );
  } catch (error) {
    throw stripeFailure(error, "create your customer record");
  }
  const [saved] = await db
    .update(businesses)
    .set({ stripeCustomerId: customer.id, updatedAt: new Date() })
    .where(and(eq(businesses.id, user.id), isNull(businesses.stripeCustomerId)))
    .returning({ id: businesses.stripeCustomerId });
  if (saved?.id) return saved.id;
  // Someone else stored one first; theirs wins (with the shared key it is the same customer).
  const [row] = await db.select({ id: businesses.stripeCustomerId }).from(businesses).where(eq(businesses.id, user.id));
  return row?.id ?? customer.id;
}

export interface CheckoutOptions {
  config: Pick<Config, "APP_URL">;
  user: Buyer;
  pack: CreditPack;
  /** Save the card for auto top-up's off-session payments (ADR 0211). */
  saveCard?: boolean;
}

/** Creates the Checkout Session for one pack; returns the hosted page's URL. */
export async function createCheckoutSession(db: Database, stripe: Stripe, { config, user, pack, saveCard = false }: CheckoutOptions) {
  const customer = await ensureStripeCustomer(db, stripe, user);
  let session: Stripe.Checkout.Session;
  try {
    session = await createSession(stripe, { config, user, pack, saveCard }, customer);
  } catch (error) {
    if (!isMissingCustomer(error)) throw stripeFailure(error, "start the checkout");
    const replacement = await ensureStripeCustomer(db, stripe, user, customer);
    try {
      session = await createSession(stripe, { config, user, pack, saveCard }, replacement);
    } catch (retryError) {
      throw stripeFailure(retryError, "start the checkout");
    }
  }
  if (!session.url) throw stripeFailure(undefined, "start the checkout (no checkout URL)");
  return { id: session.id, url: session.url };
}

function isMissingCustomer(error: unknown): boolean {
  const stripeError = error as { type?: string; code?: string; param?: string } | null;
  return stripeError?.type === "StripeInvalidRequestError" && stripeError.code === "resource_missing" && stripeError.param === "customer";
}

function createSession(stripe: Stripe, { config, user, pack, saveCard }: CheckoutOptions, customer: string) {
  const metadata = { businessId: user.id, packId: pack.id, credits: String(pack.credits), ...(saveCard ? { saveCard: "true" } : {}) };
  return stripe.checkout.sessions.create({
    mode: "payment",
    customer,
    client_reference_id: user.id,
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: pack.currency,
          unit_amount: pack.priceCents,
          product_data: { name: `${pack.name}: ${pack.credits.toLocaleString("en-US")} credits`, description: "Agentline call credits (1 credit = 1 minute)" },
        },
      },
    ],
    metadata,
    // On the payment too, so the charge can be traced back from Stripe's dashboard.
    // Saving the card: Stripe attaches it to the customer for payments made without the owner present.
    payment_intent_data: saveCard ? { metadata, setup_future_usage: "off_session" } : { metadata },
    success_url: `${config.APP_URL}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${config.APP_URL}/billing?checkout=cancelled`,
  });
}
