/**
 * `POST /api/webhooks/stripe`: the signature is checked over the raw body first (docs/architecture.md §13:
 * `constructEventAsync`, SubtleCrypto, five-minute tolerance) and nothing is written for a bad
 * one; then the event is acted on idempotently (src/services/billing/webhooks.ts). Any failure
 * after that answers 5xx, so Stripe delivers the event again.
 */
import { Hono } from "hono";
import { AppError, requireSetting, validationDetails } from "../../errors";
import type { HonoEnv } from "../../hono-env";
import { InvalidSignatureError, verifyStripeEvent } from "../../integrations/stripe/client";
import { stripeEventSchema } from "../../integrations/stripe/events";
import { handleStripeEvent } from "../../services/billing/webhooks";

export const stripeWebhookRoutes = new Hono<HonoEnv>().post("/webhooks/stripe", async (c) => {
  const config = c.get("config");
  const logger = c.get("logger");
  const secret = requireSetting(config.STRIPE_WEBHOOK_SECRET, "STRIPE_WEBHOOK_SECRET", "Stripe webhooks");
  const rawBody = await c.req.text();
  let event: Awaited<ReturnType<typeof verifyStripeEvent>>;
  try {
    event = await verifyStripeEvent(rawBody, c.req.header("stripe-signature"), secret);
  } catch (error) {
    if (!(error instanceof InvalidSignatureError)) throw error;
    logger.warn("stripe webhook refused", { reason: error.message });
    throw new AppError("invalid_signature", "The Stripe-Signature header does not match this payload.");
  }
  const envelope = stripeEventSchema.safeParse(event);
  if (!envelope.success) {
    throw new AppError("bad_request", "The event is not a Stripe event: it needs an id, a type and data.object.", validationDetails(envelope.error));
  }
  const result = await handleStripeEvent(c.var.services, event);
  return c.json({ received: true, duplicate: result.duplicate, outcome: result.outcome }, 200);
});
