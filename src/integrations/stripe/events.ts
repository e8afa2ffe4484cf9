/**
 * The parts of Stripe's event objects that billing reads, parsed with zod so that a payload we
 * did not expect is recorded and ignored, not half-handled.
 */
import type Stripe from "stripe";
import { z } from "zod";
import { firstUse } from "../../lib/first-use";

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

  /**
   * What Agentline put on the session at checkout; sessions without it are not ours. Sessions
   * made before teams (ADR 0130) name the business as `userId`: the migrated business has that id.
   */
  const purchaseMetadataSchema = z
    .object({
      businessId: z.uuid().optional(),
      userId: z.uuid().optional(),
      packId: z.string().min(1),
      credits: z.string().regex(/^[1-9]\d{0,8}$/).transform(Number),
      /** "true" when the owner asked to save the card for auto top-up (ADR 0211). */
      saveCard: z.string().optional().transform((value) => value === "true"),
    })
    .transform(({ businessId, userId, ...rest }) => ({ ...rest, businessId: businessId ?? userId }))
    .refine((metadata): metadata is typeof metadata & { businessId: string } => metadata.businessId !== undefined, { message: "names no business" });

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

  /** Stripe.Refund, as `refund.*` and `charge.refund.updated` carry it. */
  const refundSchema = z
    .object({
      id: z.string().min(1),
      object: z.literal("refund"),
      amount: z.number().int().positive(),
      charge: expandable,
      payment_intent: expandable,
      currency: z.string(),
      status: z.string().nullable().optional(),
    })
    .loose();

  /** Stripe.Dispute, as `charge.dispute.*` carries it. */
  const disputeSchema = z
    .object({
      id: z.string().min(1),
      object: z.literal("dispute"),
      amount: z.number().int().nonnegative(),
      charge: expandable,
      payment_intent: expandable,
      currency: z.string(),
      status: z.string().min(1),
    })
    .loose();

  /** Stripe.PaymentIntent, as `payment_intent.*` carries it (auto top-up's off-session payments). */
  const paymentIntentSchema = z
    .object({
      id: z.string().min(1),
      object: z.literal("payment_intent"),
      amount: z.number().int().nonnegative(),
      currency: z.string(),
      status: z.string(),
      customer: expandable,
      payment_method: expandable,
      metadata: z.record(z.string(), z.string()).nullable().optional(),
      last_payment_error: z.object({ code: z.string().nullable().optional(), message: z.string().nullable().optional() }).loose().nullable().optional(),
    })
    .loose();

  /** What Agentline puts on an auto top-up's PaymentIntent; payments without it are not top-ups. */
  const autoTopUpMetadataSchema = z.object({
    businessId: z.uuid(),
    packId: z.string().min(1),
    credits: z.string().regex(/^[1-9]\d{0,8}$/).transform(Number),
    autoTopUpId: z.uuid(),
  });

  return { stripeEventSchema, checkoutSessionSchema, purchaseMetadataSchema, chargeSchema, refundSchema, disputeSchema, paymentIntentSchema, autoTopUpMetadataSchema };
});

export const stripeEventSchema = z.lazy(() => built().stripeEventSchema);
export const checkoutSessionSchema = z.lazy(() => built().checkoutSessionSchema);
export const purchaseMetadataSchema = z.lazy(() => built().purchaseMetadataSchema);
export const chargeSchema = z.lazy(() => built().chargeSchema);
export const refundSchema = z.lazy(() => built().refundSchema);
export const disputeSchema = z.lazy(() => built().disputeSchema);

export const paymentIntentSchema = z.lazy(() => built().paymentIntentSchema);
export const autoTopUpMetadataSchema = z.lazy(() => built().autoTopUpMetadataSchema);

export type CheckoutSession = z.infer<typeof checkoutSessionSchema>;
export type Charge = z.infer<typeof chargeSchema>;
export type Refund = z.infer<typeof refundSchema>;
export type Dispute = z.infer<typeof disputeSchema>;
export type PaymentIntent = z.infer<typeof paymentIntentSchema>;

/**
 * Every event type the webhook acts on (services/billing/webhooks.ts): the Stripe webhook
 * endpoint is created with exactly these (`enabled_events`). Anything else is recorded as ignored.
 * `npm run deploy` (Node, which cannot import this file) reads its copy in webhook-events.json;
 * test/dev/deploy.test.ts fails when the two differ.
 */
export const HANDLED_STRIPE_EVENTS = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "charge.refunded",
  "refund.failed",
  "refund.updated",
  "charge.refund.updated",
  "charge.dispute.created",
  "charge.dispute.closed",
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
] as const satisfies readonly Stripe.Event.Type[];

export type HandledStripeEvent = (typeof HANDLED_STRIPE_EVENTS)[number];
