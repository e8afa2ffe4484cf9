/**
 * Stripe stand-in: PaymentIntents and the cards saved on customers, as auto top-up uses them.
 *
 *   POST /v1/payment_intents      amount, currency, customer, payment_method, confirm=true,
 *                                 off_session=true (metadata, description): the saved card decides
 *   GET  /v1/payment_intents/:id  (expand[]=payment_method, expand[]=latest_charge)
 *   GET  /v1/payment_methods/:id
 *
 * A checkout paid with `payment_intent_data[setup_future_usage]=off_session` saves its card on the
 * customer (`savePaymentMethod`, called by the hosted page). An off-session payment with it then
 * does what Stripe's test cards do (https://docs.stripe.com/testing):
 *   4242 4242 4242 4242 (and any other)   succeeds: 200, `payment_intent.succeeded`
 *   4000 0000 0000 0002, 4000 0000 0000 0341   declined: 402 card_error `card_declined`
 *                                         (decline_code generic_decline), `payment_intent.payment_failed`
 *   4000 0027 6000 3184                   always needs authentication: 402 card_error
 *                                         `authentication_required`, `payment_intent.payment_failed`
 *   4000 0025 0000 3155                   needs authentication unless set up for future use; a card
 *                                         saved at checkout is, so off-session it succeeds (as Stripe's docs say)
 * The 402's `error.payment_intent` is the PaymentIntent (status requires_payment_method, its
 * `last_payment_error` the same error), as Stripe sends it. The stand-in's hosted page takes every
 * card for the checkout payment itself, so a card can be saved to try what it does later.
 */
import { cardCharge } from "./stripe-charges.mjs";
import { checkMetadata, invalid, missing, missingResource, noSuch, now, randomId, stripeError, unknownParam } from "./stripe-wire.mjs";

export const DECLINED_CARDS = new Set(["4000000000000002", "4000000000000341"]);
export const AUTHENTICATION_ALWAYS_CARD = "4000002760003184";

const MINIMUM_AMOUNT = 50;

/** @param {import("./stripe.mjs").StripeContext} ctx */
export function paymentIntentRoutes(ctx) {
  function create(req, params) {
    const unknown = unknownParam(params, ["amount", "currency", "customer", "payment_method", "confirm", "off_session", "metadata", "description", "payment_method_types", "setup_future_usage"]);
    if (unknown) return unknown;
    if (params.amount === undefined) return missing("amount", "Missing required param: amount.");
    if (params.currency === undefined) return missing("currency", "Missing required param: currency.");
    const amount = Number(params.amount);
    if (!/^\d+$/.test(String(params.amount)) || amount < MINIMUM_AMOUNT) return invalid("amount", `Amount must be at least ${MINIMUM_AMOUNT} cents`);
    if (!/^[a-z]{3}$/.test(String(params.currency))) return invalid("currency", `Invalid currency: ${params.currency}`);
    const metadataError = checkMetadata(params.metadata);
    if (metadataError) return metadataError;
    if (params.customer !== undefined && !ctx.customers.get(params.customer)) return missingResource("customer", `No such customer: '${params.customer}'`);
    const method = params.payment_method !== undefined ? ctx.paymentMethods.get(params.payment_method) : null;
    if (params.payment_method !== undefined && !method) return missingResource("payment_method", `No such PaymentMethod: '${params.payment_method}'`);
    if (params.off_session !== undefined && params.confirm !== "true") return invalid("off_session", "You may only specify `off_session` when confirming a PaymentIntent (confirm=true).");
    if (method && method.customer !== (params.customer ?? null)) {
      return invalid("payment_method", `The provided PaymentMethod ${method.id} does not belong to the Customer ${params.customer ?? "(none)"}. Please provide a PaymentMethod that belongs to this Customer.`);
    }
    const intent = newPaymentIntent({
      amount,
      currency: params.currency,
      customer: params.customer ?? null,
      paymentMethod: method?.id ?? null,
      metadata: params.metadata ?? {},
      description: params.description ?? null,
      setupFutureUsage: params.setup_future_usage ?? null,
    });
    const request = { id: req.requestId, idempotency_key: req.headers["idempotency-key"] ?? null };
    if (params.confirm !== "true" || !method) {
      intent.status = method ? "requires_confirmation" : "requires_payment_method";
      ctx.paymentIntents.set(intent.id, { intent, card: method?.testCard ?? null });
      return { json: intent };
    }
    const outcome = offSessionOutcome(method.testCard, params.off_session === "true");
    if (outcome.ok) {
      const charge = paymentCharge(intent, method);
      ctx.charges.set(charge.id, charge);
      Object.assign(intent, { status: "succeeded", amount_received: amount, latest_charge: charge.id });
      ctx.paymentIntents.set(intent.id, { intent, card: method.testCard });
      void ctx.emit("payment_intent.succeeded", { ...intent }, { request });
      return { json: intent };
    }
    const error = {
      ...(outcome.charge ? { charge: `ch_${randomId(24)}` } : {}),
      code: outcome.code,
      decline_code: outcome.declineCode,
      doc_url: `https://stripe.com/docs/error-codes/${outcome.code.replace(/_/g, "-")}`,
      message: outcome.message,
      payment_method: publicMethod(method),
      type: "card_error",
    };
    Object.assign(intent, { status: "requires_payment_method", last_payment_error: error, latest_charge: error.charge ?? null });
    ctx.paymentIntents.set(intent.id, { intent, card: method.testCard });
    void ctx.emit("payment_intent.payment_failed", { ...intent }, { request });
    const answer = stripeError(402, "card_error", outcome.code, outcome.message);
    return { ...answer, json: { error: { ...answer.json.error, ...error, payment_intent: { ...intent } } } };
  }

  function retrieve(req, params) {
    const record = ctx.paymentIntents.get(req.params[0]);
    if (!record) return noSuch("payment_intent", req.params[0], "intent");
    /** @type {Set<string>} */
    const expand = new Set([].concat(params.expand ?? []));
    const intent = { ...record.intent };
    if (expand.has("payment_method") && intent.payment_method) intent.payment_method = publicMethod(ctx.paymentMethods.get(intent.payment_method));
    if (expand.has("latest_charge") && intent.latest_charge) intent.latest_charge = ctx.charges.get(intent.latest_charge) ?? intent.latest_charge;
    return { json: intent };
  }

  function retrieveMethod(req) {
    const method = ctx.paymentMethods.get(req.params[0]);
    return method ? { json: publicMethod(method) } : noSuch("PaymentMethod", req.params[0], "payment_method");
  }

  return [
    { method: "POST", path: "/v1/payment_intents", handle: ctx.api(create, { mutating: true }) },
    { method: "GET", path: /^\/v1\/payment_intents\/([^/]+)$/, handle: ctx.api(retrieve) },
    { method: "GET", path: /^\/v1\/payment_methods\/([^/]+)$/, handle: ctx.api(retrieveMethod) },
  ];
}

/**
 * What a saved test card does when charged; `offSession` as the request said.
 * @returns {{ ok: true } | { ok: false, code: string, declineCode: string, message: string, charge: boolean }}
 */
function offSessionOutcome(card, offSession) {
  if (DECLINED_CARDS.has(card)) return { ok: false, code: "card_declined", declineCode: "generic_decline", message: "Your card was declined.", charge: true };
  if (card === AUTHENTICATION_ALWAYS_CARD || (!offSession && card === "4000002500003155")) {
    return { ok: false, code: "authentication_required", declineCode: "authentication_required", message: "Your card was declined. This transaction requires authentication.", charge: false };
  }
  return { ok: true };
}

/**
 * The PaymentIntent of a checkout paid on the hosted page, and its card saved on the customer when
 * the session asked for `setup_future_usage`. Called by stripe-pay-page.mjs.
 * @param {import("./stripe.mjs").StripeContext} ctx
 */
export function checkoutPaymentIntent(ctx, record, charge, card) {
  const { session } = record;
  const future = record.setupFutureUsage ?? null;
  const method = newPaymentMethod(charge, card, future && session.customer ? session.customer : null);
  ctx.paymentMethods.set(method.id, method);
  charge.payment_method = method.id;
  const intent = newPaymentIntent({
    id: charge.payment_intent,
    amount: session.amount_total,
    currency: session.currency,
    customer: session.customer,
    paymentMethod: method.id,
    metadata: { ...record.paymentIntentMetadata },
    description: null,
    setupFutureUsage: future,
  });
  Object.assign(intent, { status: "succeeded", amount_received: session.amount_total, latest_charge: charge.id });
  ctx.paymentIntents.set(intent.id, { intent, card });
  return intent;
}

function newPaymentMethod(charge, card, customer) {
  const details = charge.payment_method_details.card;
  return {
    id: `pm_${randomId(24)}`,
    object: "payment_method",
    allow_redisplay: "unspecified",
    billing_details: charge.billing_details,
    card: {
      brand: details.brand,
      checks: details.checks,
      country: details.country,
      display_brand: details.brand,
      exp_month: details.exp_month,
      exp_year: details.exp_year,
      fingerprint: details.fingerprint,
      funding: details.funding,
      generated_from: null,
      last4: details.last4,
      networks: { available: [details.network], preferred: null },
      regulated_status: "unregulated",
      three_d_secure_usage: { supported: true },
      wallet: null,
    },
    created: now(),
    customer,
    customer_account: null,
    livemode: false,
    metadata: {},
    type: "card",
    /** The stand-in's own note (never sent): which test card it is. */
    testCard: /^\d{12,19}$/.test(card ?? "") ? card : "4242424242424242",
  };
}

/** A PaymentMethod as the API shows it: without the stand-in's note. */
function publicMethod(method) {
  if (!method) return null;
  const { testCard: _testCard, ...shown } = method;
  return shown;
}

/**
 * @param {{ id?: string, amount: number, currency: string, customer: string | null, paymentMethod: string | null,
 *   metadata: Record<string, string>, description: string | null, setupFutureUsage: string | null }} fields
 */
function newPaymentIntent({ id, amount, currency, customer, paymentMethod, metadata, description, setupFutureUsage }) {
  const intentId = id ?? `pi_${randomId(24)}`;
  return {
    id: intentId,
    object: "payment_intent",
    allowed_payment_method_types: null,
    amount,
    amount_capturable: 0,
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: "automatic_async",
    client_secret: `${intentId}_secret_${randomId(24)}`,
    confirmation_method: "automatic",
    created: now(),
    currency,
    customer,
    customer_account: null,
    description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    payment_record: null,
    processing: null,
    receipt_email: null,
    review: null,
    setup_future_usage: setupFutureUsage,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "requires_payment_method",
    transfer_group: null,
  };
}

/** The succeeded charge of an off-session payment, made with the saved card. */
function paymentCharge(intent, method) {
  return cardCharge({
    amount: intent.amount,
    currency: intent.currency,
    customer: intent.customer,
    description: intent.description,
    metadata: { ...intent.metadata },
    paymentIntent: intent.id,
    paymentMethod: method.id,
    billingDetails: method.billing_details,
    card: method.card,
  });
}
