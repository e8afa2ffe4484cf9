/**
 * A stand-in for the part of Stripe's API that Agentline uses, speaking Stripe's wire format:
 * form-encoded requests with bracketed keys, `Authorization: Bearer sk_…`, `Idempotency-Key`
 * replay, a `Request-Id` (and `Stripe-Version`) header on every answer, objects with every
 * field the pinned API version (stripe-wire.mjs API_VERSION) documents, errors as
 * `{error: {type, code, message, param}}`. One file per resource:
 *
 *   stripe-customers.mjs          POST /v1/customers, GET /v1/customers/:id
 *   stripe-checkout-sessions.mjs  POST /v1/checkout/sessions, GET …/:id, GET …?payment_intent=pi_…
 *   stripe-charges.mjs            GET /v1/charges/:id (charges are made by the hosted page)
 *   stripe-refunds.mjs            POST /v1/refunds (sends charge.refunded; on the 5126 test card the
 *                                 refund then fails: charge.refund.updated, refund.updated, refund.failed)
 *   stripe-disputes.mjs           GET/POST /v1/disputes/:id, POST …/close (the 0259 test card's charge is
 *                                 disputed: charge.dispute.created; closing sends charge.dispute.closed)
 *   stripe-payment-intents.mjs    POST /v1/payment_intents (off-session payments with a saved card: the test
 *                                 card decides success, card_declined or authentication_required),
 *                                 GET /v1/payment_intents/:id, GET /v1/payment_methods/:id
 *   stripe-pay-page.mjs           GET/POST /pay/:sessionId, the hosted checkout page and its Pay
 *   stripe-events.mjs             signed webhook delivery to APP_URL/api/webhooks/stripe, retried
 *   stripe-webhook-endpoints.mjs  /v1/webhook_endpoints (create, list, retrieve, update, delete)
 *
 * Kept state (kit.mjs): customers, sessions, charges, refunds, disputes, payment intents, saved cards, events, idempotency keys and the
 * sandbox keys, in .data/stand-ins/stripe.json under `npm run dev`.
 * `GET /__control/state` shows them, every event with its payload, signature header and
 * delivery results, so a test can replay exactly what was sent.
 */
import { randomBytes } from "node:crypto";
import { collection, openState, startStandIn } from "./kit.mjs";
import { chargeRoutes } from "./stripe-charges.mjs";
import { checkoutSessionRoutes } from "./stripe-checkout-sessions.mjs";
import { customerRoutes } from "./stripe-customers.mjs";
import { disputeRoutes } from "./stripe-disputes.mjs";
import { createEvents } from "./stripe-events.mjs";
import { payPageRoutes } from "./stripe-pay-page.mjs";
import { paymentIntentRoutes } from "./stripe-payment-intents.mjs";
import { refundRoutes } from "./stripe-refunds.mjs";
import { webhookEndpointRoutes } from "./stripe-webhook-endpoints.mjs";
import { API_VERSION, authenticate, nestParams, randomId, stripeError } from "./stripe-wire.mjs";

export { nestParams, signatureHeader } from "./stripe-wire.mjs";

const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * What every resource module gets.
 * @typedef {ReturnType<typeof collection<any>>} Collection
 * @typedef {{ customers: Collection, sessions: Collection, charges: Collection, refunds: Collection, disputes: Collection, webhookEndpoints: Collection,
 *   paymentIntents: Collection, paymentMethods: Collection,
 *   api: (handler: (req: any, params: any) => any, options?: { mutating?: boolean }) => (req: any) => any,
 *   emit: ReturnType<typeof createEvents>["emit"], selfUrl: () => string }} StripeContext
 */

/**
 * @param {{ port?: number, appUrl?: string, webhookUrl?: string, relayWebhooks?: boolean,
 *   secretKey?: string, webhookSecret?: string, dataDir?: string | null }} [options]
 *   `webhookUrl` (default APP_URL/api/webhooks/stripe) is where events go; `relayWebhooks`
 *   parks them on the stand-in's own relay (kit.mjs) for a test to pass on to the worker.
 */
export async function startStripeStandIn({ port = 0, appUrl = "http://127.0.0.1:8787", webhookUrl, relayWebhooks = false, secretKey, webhookSecret, dataDir = null } = {}) {
  const store = openState({
    dataDir,
    name: "stripe",
    initial: () => ({
      keys: { secretKey: `sk_test_sandbox_${randomBytes(12).toString("hex")}`, webhookSecret: `whsec_sandbox_${randomBytes(16).toString("hex")}` },
      customers: {},
      sessions: {},
      charges: {},
      refunds: {},
      disputes: {},
      webhookEndpoints: {},
      paymentIntents: {},
      paymentMethods: {},
      /** @type {{ [key: string]: { fingerprint: string, requestId: string, response: any, at: number } }} */
      idempotency: {},
      /** @type {import("./stripe-events.mjs").EventRecord[]} */
      events: [],
    }),
  });
  // A state file written before disputes existed has none.
  store.data.disputes ??= {};
  // State kept before webhook endpoints existed in the stand-in has no such key.
  store.data.webhookEndpoints ??= {};
  // Nor before payment intents and saved cards.
  store.data.paymentIntents ??= {};
  store.data.paymentMethods ??= {};
  const keys = { secretKey: secretKey ?? store.data.keys.secretKey, webhookSecret: webhookSecret ?? store.data.keys.webhookSecret };
  const idempotency = collection(store.data.idempotency, store.save);
  let self = "";
  const events = createEvents({
    events: store.data.events,
    save: store.save,
    webhookUrl: () => webhookUrl ?? (relayWebhooks ? `${self}/__relay/api/webhooks/stripe` : `${appUrl}/api/webhooks/stripe`),
    webhookSecret: keys.webhookSecret,
  });

  /** Stripe keeps idempotency keys for 24 hours; the kept state must not grow without end either. */
  function forgetOldKeys() {
    const cutoff = Date.now() - IDEMPOTENCY_KEY_TTL_MS;
    for (const [key, entry] of Object.entries(store.data.idempotency)) if (!(entry.at > cutoff)) delete store.data.idempotency[key];
  }

  /** Authentication, form decoding, Idempotency-Key replay and the Request-Id header, for every API route. */
  const api = (handler, { mutating = false } = {}) => (req) => {
    const requestId = `req_${randomId(14)}`;
    const answer = (response, extraHeaders = {}) => withRequestId(response, requestId, extraHeaders);
    const denied = authenticate(req.headers.authorization, keys.secretKey);
    if (denied) return answer(denied);
    const params = req.method === "GET" ? nestParams(new URLSearchParams(req.query)) : nestParams(new URLSearchParams(req.rawBody));
    const key = mutating ? req.headers["idempotency-key"] : undefined;
    if (!key) return answer(handler({ ...req, requestId }, params));
    const fingerprint = `${req.method} ${req.path} ${req.rawBody}`;
    const seen = idempotency.get(key);
    if (seen && seen.fingerprint !== fingerprint) {
      return answer(stripeError(400, "idempotency_error", undefined, `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`));
    }
    if (seen) return answer(seen.response, { "idempotent-replayed": "true", "original-request": seen.requestId });
    const response = handler({ ...req, requestId }, params);
    if ((response.status ?? 200) < 500) {
      forgetOldKeys();
      idempotency.set(key, { fingerprint, requestId, response, at: Date.now() });
    }
    return answer(response);
  };

  /** @type {StripeContext} */
  const ctx = {
    customers: collection(store.data.customers, store.save),
    sessions: collection(store.data.sessions, store.save),
    charges: collection(store.data.charges, store.save),
    refunds: collection(store.data.refunds, store.save),
    disputes: collection(store.data.disputes, store.save),
    webhookEndpoints: collection(store.data.webhookEndpoints, store.save),
    paymentIntents: collection(store.data.paymentIntents, store.save),
    paymentMethods: collection(store.data.paymentMethods, store.save),
    api,
    emit: events.emit,
    selfUrl: () => self,
  };

  const running = await startStandIn({
    name: "stripe",
    port,
    routes: [...customerRoutes(ctx), ...checkoutSessionRoutes(ctx), ...chargeRoutes(ctx), ...refundRoutes(ctx), ...disputeRoutes(ctx), ...payPageRoutes(ctx), ...paymentIntentRoutes(ctx), ...webhookEndpointRoutes(ctx)],
    state: () => ({
      customers: ctx.customers.values(),
      sessions: ctx.sessions.values().map((record) => record.session),
      charges: ctx.charges.values(),
      refunds: ctx.refunds.values(),
      disputes: ctx.disputes.values(),
      webhookEndpoints: ctx.webhookEndpoints.values(),
      paymentIntents: ctx.paymentIntents.values().map((record) => record.intent),
      paymentMethods: ctx.paymentMethods.values(),
      events: store.data.events,
    }),
    onReset: () => {
      store.data.events.splice(0);
      store.save();
    },
  });
  self = running.url;
  return {
    ...running,
    ...keys,
    close: async () => {
      events.stop();
      await running.close();
    },
  };
}

/** Stripe answers every API request with its id (`Request-Id`) and the version it spoke; errors link to the request's log. */
function withRequestId(response, requestId, extraHeaders) {
  const headers = { ...(response.headers ?? {}), "request-id": requestId, "stripe-version": API_VERSION, ...extraHeaders };
  const error = response.json?.error;
  const json = error ? { error: { ...error, request_log_url: `https://dashboard.stripe.com/test/logs/${requestId}` } } : response.json;
  return { ...response, headers, json };
}

/** @type {import("./index.mjs").StandInDefinition} */
export const stripeStandIn = {
  name: "stripe",
  overrideVariable: "STRIPE_API_BASE",
  realKeyVariable: "STRIPE_SECRET_KEY",
  start: ({ port, appUrl, dataDir, relayWebhooks } = {}) => startStripeStandIn({ port, appUrl, dataDir, relayWebhooks }),
  bindings: (running) => {
    const stripe = /** @type {Awaited<ReturnType<typeof startStripeStandIn>>} */ (/** @type {unknown} */ (running));
    return { STRIPE_API_BASE: stripe.url, STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret };
  },
};
