/**
 * Stripe in tests: events in Stripe's real format (checkout.session, charge objects as the API
 * documents them), signed exactly as Stripe signs them (the SDK's generateTestHeaderString),
 * delivered to our webhook; and the Stripe stand-in's record of what it created and sent.
 */
import Stripe from "stripe";
import disputeCreatedFixture from "../fixtures/stripe/charge.dispute.created.json";
import refundedFixture from "../fixtures/stripe/charge.refunded.json";
import completedFixture from "../fixtures/stripe/checkout.session.completed.json";
import refundFailedFixture from "../fixtures/stripe/refund.failed.json";
import { testEnv } from "./env";
import { call } from "./http";
import { standIn } from "./stand-ins";

const cryptoProvider = Stripe.createSubtleCryptoProvider();
const now = () => Math.floor(Date.now() / 1000);
const randomId = (prefix: string) => `${prefix}${crypto.randomUUID().replace(/-/g, "")}`;

export const webhookSecret = () => String(testEnv.STRIPE_WEBHOOK_SECRET);

export interface CheckoutSessionInput {
  businessId: string;
  packId?: string;
  credits?: number;
  amountTotal?: number;
  currency?: string;
  paymentStatus?: "paid" | "unpaid" | "no_payment_required";
  id?: string;
  paymentIntent?: string | null;
  metadata?: Record<string, string>;
}

/** A completed Checkout Session as Stripe sends it in checkout.session.* events (test/fixtures/stripe). */
export function checkoutSession(input: CheckoutSessionInput) {
  const created = now() - 60;
  const amount = input.amountTotal ?? 1000;
  const session = structuredClone(completedFixture.data.object);
  const id = input.id ?? randomId("cs_test_");
  return {
    ...session,
    id,
    amount_subtotal: amount,
    amount_total: amount,
    client_reference_id: input.businessId,
    created,
    currency: input.currency ?? "usd",
    customer: randomId("cus_"),
    expires_at: created + 86_400,
    metadata: input.metadata ?? { businessId: input.businessId, packId: input.packId ?? "starter", credits: String(input.credits ?? 100) },
    payment_intent: input.paymentIntent === undefined ? randomId("pi_") : input.paymentIntent,
    payment_status: input.paymentStatus ?? "paid",
    url: null,
  };
}

/** A charge as Stripe sends it in charge.* events (test/fixtures/stripe), with the fields a test is about. */
export function charge(fields: { id?: string; amount?: number; amount_refunded?: number; currency?: string; payment_intent?: string; refunded?: boolean }) {
  return { ...structuredClone(refundedFixture.data.object), id: fields.id ?? randomId("ch_"), ...fields };
}

/** A Stripe.Refund as `refund.*` and `charge.refund.updated` carry it (test/fixtures/stripe/refund.failed.json). */
export function refund(fields: { id?: string; amount?: number; charge?: string | null; payment_intent?: string | null; status?: string; currency?: string }) {
  return { ...structuredClone(refundFailedFixture.data.object), id: fields.id ?? randomId("re_"), ...fields };
}

/** A Stripe.Dispute as `charge.dispute.*` carries it (test/fixtures/stripe/charge.dispute.created.json). */
export function dispute(fields: { id?: string; amount?: number; charge?: string; payment_intent?: string | null; status?: string; currency?: string }) {
  return { ...structuredClone(disputeCreatedFixture.data.object), id: fields.id ?? randomId("dp_"), ...fields };
}

/** An Event envelope around `object`, as Stripe delivers it (API request id null: made outside the API). */
export function stripeEvent(type: string, object: unknown, previousAttributes?: Record<string, unknown>) {
  return {
    ...structuredClone(completedFixture),
    id: randomId("evt_"),
    api_version: Stripe.API_VERSION,
    created: now(),
    data: previousAttributes ? { object, previous_attributes: previousAttributes } : { object },
    request: { id: null, idempotency_key: null },
    type,
  };
}

/** The body and Stripe-Signature header for `event`, signed with the webhook secret (or another). */
export async function signEvent(event: unknown, options: { secret?: string; timestamp?: number } = {}) {
  const payload = typeof event === "string" ? event : JSON.stringify(event, null, 2);
  const signature = await Stripe.webhooks.generateTestHeaderStringAsync({
    payload,
    secret: options.secret ?? webhookSecret(),
    timestamp: options.timestamp ?? now(),
    cryptoProvider,
  });
  return { payload, signature };
}

/** POSTs a payload to our webhook as Stripe does. */
export function postWebhook(payload: string, signature: string | undefined, env = testEnv) {
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8", "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" };
  if (signature !== undefined) headers["stripe-signature"] = signature;
  return call("/api/webhooks/stripe", { method: "POST", body: payload, headers, env });
}

/** Signs and delivers an event; returns the response and the parsed answer. */
export async function deliverEvent(event: { id: string }, env = testEnv) {
  const { payload, signature } = await signEvent(event);
  const response = await postWebhook(payload, signature, env);
  return { response, body: (await response.json()) as { received?: boolean; duplicate?: boolean; outcome?: string; error?: { code: string } } };
}

export interface StandInEvent {
  id: string;
  type: string;
  payload: string;
  signature: string;
  deliveries: { status?: number; error?: string }[];
}

export interface StandInState {
  customers: { id: string; email: string | null; metadata: Record<string, string> }[];
  sessions: { id: string; customer: string | null; payment_intent: string | null; status: string; url: string; metadata: Record<string, string> }[];
  charges: { id: string; payment_intent: string; amount: number; amount_refunded: number }[];
  events: StandInEvent[];
}

/** The Stripe stand-in: its control API plus what it created and the events it sent. */
export function stripeStandIn() {
  const control = standIn("stripe");
  return {
    ...control,
    stateNow: () => control.state<StandInState>(),
    /** The last event of `type` the stand-in signed and tried to deliver (about `objectId`). */
    async lastEvent(type: string, objectId?: string) {
      const state = await control.state<StandInState>();
      const event = [...state.events].reverse().find((e) => e.type === type && (!objectId || e.payload.includes(objectId)));
      if (!event) throw new Error(`the Stripe stand-in sent no ${type}${objectId ? ` for ${objectId}` : ""}`);
      return event;
    },
    /** Calls the stand-in's API as a Stripe SDK would (form-encoded, bearer key). */
    api: async (method: string, path: string, params?: Record<string, string>) => {
      const response = await fetch(`${control.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${String(testEnv.STRIPE_SECRET_KEY)}`, "content-type": "application/x-www-form-urlencoded" },
        body: params ? new URLSearchParams(params).toString() : undefined,
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}
