/**
 * Stripe stand-in: Checkout Sessions (`POST /v1/checkout/sessions`, `GET …/:id`, `GET
 * /v1/checkout/sessions?payment_intent=…`), mode `payment` with inline `price_data`, answered
 * with every field the pinned API version's Session carries (ui_mode `hosted_page`).
 */
import { API_VERSION, checkMetadata, invalid, isUrl, missing, missingResource, noSuch, now, randomId, unknownParam } from "./stripe-wire.mjs";

const SESSION_TTL_SECONDS = 24 * 60 * 60;
/** Stripe's minimum charge is about 50 cents; the stand-in applies it to every currency. */
const MINIMUM_AMOUNT = 50;
const CURRENCIES = new Set(["usd", "eur", "gbp", "cad", "aud", "chf", "sek", "nok", "dkk", "jpy", "nzd", "sgd", "hkd", "mxn", "brl", "pln", "czk", "inr"]);
/** The values of `ui_mode` in API version 2026-10-28.endive (`hosted` was renamed `hosted_page`). */
const UI_MODES = ["elements", "embedded_page", "form", "hosted_page"];

/**
 * The line items of a create request, or Stripe's error for the first bad one.
 * @returns {{ lines: { currency: string, unitAmount: number, quantity: number, name: string, description: string | null }[] } | { error: any }}
 */
function readLineItems(items) {
  if (items === undefined) return { error: missing("line_items", "Missing required param: line_items.") };
  if (!Array.isArray(items) || items.length === 0) return { error: invalid("line_items", "You must provide at least one line item.") };
  const lines = [];
  for (const [index, item] of items.entries()) {
    const at = `line_items[${index}]`;
    if (!item || typeof item !== "object") return { error: invalid(at, "Invalid object") };
    if (item.price !== undefined) return { error: missingResource(`${at}[price]`, `No such price: '${item.price}'`) };
    const data = item.price_data;
    if (data === undefined) return { error: missing(`${at}[price_data]`, `You must specify either \`price\` or \`price_data\` in ${at}.`) };
    if (data.currency === undefined) return { error: missing(`${at}[price_data][currency]`, `Missing required param: ${at}[price_data][currency].`) };
    if (!CURRENCIES.has(String(data.currency))) return { error: invalid(`${at}[price_data][currency]`, `Invalid currency: ${data.currency}.`) };
    const amount = data.unit_amount ?? data.unit_amount_decimal;
    if (amount === undefined) return { error: missing(`${at}[price_data][unit_amount]`, `Missing required param: ${at}[price_data][unit_amount].`) };
    if (!/^\d+$/.test(String(amount))) return { error: invalid(`${at}[price_data][unit_amount]`, `Invalid integer: ${amount}`) };
    if (data.product === undefined && data.product_data === undefined) {
      return { error: missing(`${at}[price_data][product_data]`, `You must specify either \`product\` or \`product_data\` when creating a price.`) };
    }
    if (data.product_data !== undefined && !data.product_data?.name) {
      return { error: missing(`${at}[price_data][product_data][name]`, `Missing required param: ${at}[price_data][product_data][name].`) };
    }
    if (data.recurring !== undefined) return { error: invalid(`${at}[price_data][recurring]`, "You specified `payment` mode but passed a recurring price.") };
    if (item.quantity === undefined) return { error: missing(`${at}[quantity]`, `Missing required param: ${at}[quantity].`) };
    if (!/^\d+$/.test(String(item.quantity)) || Number(item.quantity) < 1) return { error: invalid(`${at}[quantity]`, "Invalid positive integer") };
    lines.push({ currency: String(data.currency), unitAmount: Number(amount), quantity: Number(item.quantity), name: data.product_data?.name ?? data.product, description: data.product_data?.description ?? null });
  }
  if (lines.some((line) => line.currency !== lines[0].currency)) return { error: invalid("line_items", "All line items must use the same currency.") };
  return { lines };
}

/** @param {import("./stripe.mjs").StripeContext} ctx */
export function checkoutSessionRoutes(ctx) {
  function create(req, params) {
    const unknown = unknownParam(params, [
      "mode", "line_items", "customer", "customer_email", "client_reference_id", "metadata", "success_url", "cancel_url",
      "payment_intent_data", "expires_at", "locale", "ui_mode", "submit_type", "allow_promotion_codes",
    ]);
    if (unknown) return unknown;
    const mode = params.mode;
    if (mode === undefined) return missing("mode", "Missing required param: mode.");
    if (!["payment", "setup", "subscription"].includes(mode)) return invalid("mode", `Invalid mode: must be one of payment, setup, or subscription`);
    if (mode !== "payment") return invalid("mode", "This stand-in only implements mode=payment.");
    const uiMode = params.ui_mode ?? "hosted_page";
    if (!UI_MODES.includes(uiMode)) return invalid("ui_mode", `Invalid ui_mode: must be one of ${UI_MODES.join(", ")}`);
    if (uiMode !== "hosted_page") return invalid("ui_mode", "This stand-in only implements the hosted checkout page (ui_mode=hosted_page).");
    for (const field of ["success_url", "cancel_url"]) {
      if (params[field] !== undefined && !isUrl(params[field])) return invalid(field, `Not a valid URL`);
    }
    if (params.customer !== undefined && params.customer_email !== undefined) {
      return invalid("customer_email", "You may only specify one of these parameters: customer, customer_email.");
    }
    if (params.customer !== undefined && !ctx.customers.has(params.customer)) return missingResource("customer", `No such customer: '${params.customer}'`);
    if (params.client_reference_id !== undefined && String(params.client_reference_id).length > 200) {
      return invalid("client_reference_id", "Invalid string: must be at most 200 characters");
    }
    if (params.expires_at !== undefined) {
      const at = Number(params.expires_at);
      if (!/^\d+$/.test(String(params.expires_at)) || at < now() + 30 * 60 || at > now() + SESSION_TTL_SECONDS) {
        return invalid("expires_at", "The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.");
      }
    }
    const metadataError = checkMetadata(params.metadata) ?? checkMetadata(params.payment_intent_data?.metadata);
    if (metadataError) return metadataError;
    const futureUsage = params.payment_intent_data?.setup_future_usage;
    if (futureUsage !== undefined && futureUsage !== "off_session" && futureUsage !== "on_session") {
      return invalid("payment_intent_data[setup_future_usage]", `Invalid setup_future_usage: must be one of on_session or off_session`);
    }
    const read = readLineItems(params.line_items);
    if ("error" in read) return read.error;
    const total = read.lines.reduce((sum, line) => sum + line.unitAmount * line.quantity, 0);
    if (total < MINIMUM_AMOUNT) {
      return invalid("line_items", `The Checkout Session's total amount due must add up to at least ${MINIMUM_AMOUNT} in the currency's smallest unit.`);
    }
    const session = newSession(params, { currency: read.lines[0].currency, total, url: (id) => `${ctx.selfUrl()}/pay/${id}` });
    ctx.sessions.set(session.id, {
      session,
      lines: read.lines,
      apiVersion: req.headers["stripe-version"] ?? API_VERSION,
      paymentIntentMetadata: params.payment_intent_data?.metadata ?? {},
      /** `payment_intent_data[setup_future_usage]`: the hosted page saves the card on the customer. */
      setupFutureUsage: futureUsage ?? null,
    });
    return { json: session };
  }

  function retrieve(req) {
    const record = ctx.sessions.get(req.params[0]);
    return record ? { json: refreshed(ctx, record).session } : noSuch("checkout.session", req.params[0], "session");
  }

  function list(_req, params) {
    let found = ctx.sessions.values().map((record) => refreshed(ctx, record).session);
    if (params.payment_intent !== undefined) found = found.filter((session) => session.payment_intent === params.payment_intent);
    if (params.customer !== undefined) found = found.filter((session) => session.customer === params.customer);
    const limit = params.limit === undefined ? 10 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid("limit", "Invalid integer: must be between 1 and 100");
    found.sort((a, b) => b.created - a.created);
    return { json: { object: "list", data: found.slice(0, limit), has_more: found.length > limit, url: "/v1/checkout/sessions" } };
  }

  return [
    { method: "POST", path: "/v1/checkout/sessions", handle: ctx.api(create, { mutating: true }) },
    { method: "GET", path: "/v1/checkout/sessions", handle: ctx.api(list) },
    { method: "GET", path: /^\/v1\/checkout\/sessions\/([^/]+)$/, handle: ctx.api(retrieve) },
  ];
}

/** A session past `expires_at` reads as expired, as Stripe expires it. */
export function refreshed(ctx, record) {
  if (record.session.status === "open" && record.session.expires_at <= now()) {
    record.session.status = "expired";
    ctx.sessions.save();
  }
  return record;
}

function newSession(params, { currency, total, url }) {
  const id = `cs_test_${randomId(58)}`;
  const created = now();
  return {
    id,
    object: "checkout.session",
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: params.allow_promotion_codes === "true" ? true : null,
    allowed_payment_method_types: null,
    amount_subtotal: total,
    amount_total: total,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: params.cancel_url ?? null,
    client_reference_id: params.client_reference_id ?? null,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created,
    currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: params.customer ?? null,
    customer_account: null,
    customer_creation: params.customer ? null : "if_required",
    customer_details: params.customer_email ? { address: null, email: params.customer_email, name: null, phone: null, tax_exempt: "none", tax_ids: null } : null,
    customer_email: params.customer_email ?? null,
    discounts: [],
    expires_at: params.expires_at !== undefined ? Number(params.expires_at) : created + SESSION_TTL_SECONDS,
    integration_identifier: null,
    invoice: null,
    invoice_creation: { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } },
    livemode: false,
    locale: params.locale ?? null,
    managed_payments: null,
    metadata: params.metadata ?? {},
    mode: params.mode,
    origin_context: null,
    payment_intent: null,
    payment_link: null,
    payment_method_collection: "if_required",
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    payment_status: "unpaid",
    permissions: null,
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: params.submit_type ?? null,
    subscription: null,
    success_url: params.success_url ?? null,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted_page",
    url: url(id),
    wallet_options: null,
  };
}
