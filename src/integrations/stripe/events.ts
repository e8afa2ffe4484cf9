/**
 * The parts of Stripe's event objects that billing reads, parsed with zod so that a payload we
 * did not expect is recorded and ignored, not half-handled.
 */
import { z } from "zod";
import { firstUse } from "../../lib/first-use";
import handledEvents from "./webhook-events.json";

/**
 * The Stripe event types billing acts on (services/billing/webhooks.ts), and so exactly the
 * events our webhook endpoint subscribes to: `npm run deploy` reads the same JSON file
 * (dev/deploy/stripe-webhook.mjs), so the two cannot drift.
 */
export const STRIPE_WEBHOOK_EVENTS: readonly string[] = handledEvents;

// Built on the first Stripe webhook, not at startup (lib/first-use.ts, ADR 0900).
const built = firstUse(() => {
  const expandable = z.union([z.string(), z.object({ id: z.string() }).loose()]).nullable().optional()
    .transform((value) => (value == null ? null : typeof value === "string" ? value : value.id));

  /** The envelope every Stripe event has; a signed body without it is a bad request, not a crash. */
  const stripeEventSchema = z
    .object({
      id: z.string().min(1),
      type: z.string().min(1),
      data: z.object({ object: z.record(z.string(), z.unknown()) }).loose(),
    })
    .loose();

  const checkoutSessionSchema = z
    .object({
      id: z.string().min(1),
      object: z.literal("checkout.session"),
      mode: z.string(),
      status: z.string().nullable().optional(),
      payment_status: z.string(),
      client_reference_id: z.string().nullable().optional(),
      metadata: z.record(z.string(), z.string()).nullable().optional(),
      amount_total: z.number().int().nullable().optional(),
      currency: z.string().nullable().optional(),
      customer: expandable,
      payment_intent: expandable,
    })
    .loose();

  /** What Agentline put on the session at checkout; sessions without it are not ours. */
  const purchaseMetadataSchema = z.object({
    userId: z.uuid(),
    packId: z.string().min(1),
    credits: z.string().regex(/^[1-9]\d{0,8}$/).transform(Number),
  });

  const chargeSchema = z
    .object({
      id: z.string().min(1),
      object: z.literal("charge"),
      amount: z.number().int().positive(),
      amount_refunded: z.number().int().nonnegative(),
      currency: z.string(),
      payment_intent: expandable,
    })
    .loose();

  return { stripeEventSchema, checkoutSessionSchema, purchaseMetadataSchema, chargeSchema };
});

export const stripeEventSchema = z.lazy(() => built().stripeEventSchema);
export const checkoutSessionSchema = z.lazy(() => built().checkoutSessionSchema);
export const purchaseMetadataSchema = z.lazy(() => built().purchaseMetadataSchema);
export const chargeSchema = z.lazy(() => built().chargeSchema);

export type CheckoutSession = z.infer<typeof checkoutSessionSchema>;
export type Charge = z.infer<typeof chargeSchema>;
