/**
 * A stand-in for the part of Stripe's API that Agentline uses, speaking Stripe's wire format:
 * form-encoded requests with bracketed keys, `Authorization: Bearer sk_…`, `Idempotency-Key`
 * replay, objects as Stripe documents them and errors as `{error: {type, code, message, param}}`.
 *
 *   POST /v1/customers                     create a customer
 *   POST /v1/checkout/sessions             create a Checkout Session (mode payment, line_items)
 *   GET  /v1/checkout/sessions/:id         retrieve one
 *   GET  /v1/checkout/sessions?payment_intent=pi_…   list (filter by payment intent)
 *   POST /v1/refunds                       refund a payment (sends charge.refunded)
 *   GET  /pay/:sessionId                   the hosted checkout page; its "Pay" button POSTs here,
 *                                          which pays the session, sends a signed
 *                                          `checkout.session.completed` to APP_URL/api/webhooks/stripe
 *                                          (as Stripe signs it: `Stripe-Signature: t=…,v1=…`) and
 *                                          redirects to success_url
 *
 * `GET /__control/state` shows customers, sessions, charges and every event with its payload,
 * signature header and delivery result, so a test can replay exactly what was sent.
 */
import { createHmac, randomBytes } from "node:crypto";
import { startStandIn } from "./kit.mjs";

const API_VERSION = "2026-10-28.endive";
const SESSION_TTL_SECONDS = 24 * 60 * 60;
/** Stripe's minimum charge is about 50 cents; the stand-in applies it to every currency. */
const MINIMUM_AMOUNT = 50;
const CURRENCIES = new Set(["usd", "eur", "gbp", "cad", "aud", "chf", "sek", "nok", "dkk", "jpy", "nzd", "sgd", "hkd", "mxn", "brl", "pln", "czk", "inr"]);
/** Webhook deliveries that fail are retried after these delays (Stripe retries for days). */
const RETRY_DELAYS_MS = [2_000, 10_000, 30_000];

/**
 * @param {{ port?: number, appUrl?: string, secretKey?: string, webhookSecret?: string }} [options]
 */
export async function startStripeStandIn({ port = 0, appUrl = "http://127.0.0.1:8787", secretKey, webhookSecret } = {}) {
  const keys = {
    secretKey: secretKey ?? `sk_test_sandbox_${randomBytes(12).toString("hex")}`,
    webhookSecret: webhookSecret ?? `whsec_sandbox_${randomBytes(16).toString("hex")}`,
  };
  /** @type {Map<string, any>} */ const customers = new Map();
  /** @type {Map<string, any>} */ const sessions = new Map();
  /** @type {Map<string, any>} */ const charges = new Map();
  /** @type {Map<string, { fingerprint: string, response: any }>} */ const idempotency = new Map();
  /** @type {any[]} */ let events = [];
  /** @type {Set<NodeJS.Timeout>} */ const timers = new Set();
  let self = "";

  const api = (/** @type {(req: any, params: any) => any} */ handler, { mutating = false } = {}) => (req) => {
    const denied = authenticate(req.headers.authorization, keys.secretKey);
    if (denied) return denied;
    const params = req.method === "GET" ? nestParams(new URLSearchParams(req.query)) : nestParams(new URLSearchParams(req.rawBody));
    const key = mutating ? req.headers["idempotency-key"] : undefined;
    if (key) {
      const fingerprint = `${req.method} ${req.path} ${req.rawBody}`;
      const seen = idempotency.get(key);
      if (seen && seen.fingerprint !== fingerprint) {
        return stripeError(400, "idempotency_error", undefined, `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`, undefined, "idempotency_error");
      }
      if (seen) return { ...seen.response, headers: { ...(seen.response.headers ?? {}), "idempotent-replayed": "true" } };
      const response = handler(req, params);
      if ((response.status ?? 200) < 500) idempotency.set(key, { fingerprint, response });
      return response;
    }
    return handler(req, params);
  };

  function createCustomer(_req, params) {
    const unknown = unknownParam(params, ["email", "name", "metadata", "description", "phone"]);
    if (unknown) return unknown;
    const metadataError = checkMetadata(params.metadata);
    if (metadataError) return metadataError;
    if (params.email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(params.email)) return invalid("email", "Invalid email address: " + params.email);
    const customer = {
      id: `cus_${randomId(14)}`,
      object: "customer",
      address: null,
      balance: 0,
      created: now(),
      currency: null,
      default_source: null,
      delinquent: false,
      description: params.description ?? null,
      email: params.email ?? null,
      invoice_prefix: randomId(8).toUpperCase(),
      livemode: false,
      metadata: params.metadata ?? {},
      name: params.name ?? null,
      phone: params.phone ?? null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: "none",
    };
    customers.set(customer.id, customer);
    return { json: customer };
  }

  function createSession(req, params) {
    const unknown = unknownParam(params, [
      "mode", "line_items", "customer", "customer_email", "client_reference_id", "metadata", "success_url", "cancel_url",
      "payment_intent_data", "expires_at", "locale", "ui_mode", "submit_type", "allow_promotion_codes",
    ]);
    if (unknown) return unknown;
    const mode = params.mode ?? "payment";
    if (!["payment", "setup", "subscription"].includes(mode)) return invalid("mode", `Invalid mode: must be one of payment, setup, or subscription`);
    if (mode !== "payment") return invalid("mode", "This stand-in only implements mode=payment.");
    if (params.ui_mode !== undefined && params.ui_mode !== "hosted" && params.ui_mode !== "hosted_page") return invalid("ui_mode", "This stand-in only implements the hosted checkout page.");
    for (const field of ["success_url", "cancel_url"]) {
      if (params[field] !== undefined && !isUrl(params[field])) return invalid(field, `Not a valid URL`);
    }
    if (params.customer !== undefined && params.customer_email !== undefined) {
      return invalid("customer_email", "You may only specify one of these parameters: customer, customer_email.");
    }
    if (params.customer !== undefined && !customers.has(params.customer)) return missingResource("customer", `No such customer: '${params.customer}'`);
    if (params.client_reference_id !== undefined && String(params.client_reference_id).length > 200) {
      return invalid("client_reference_id", "Invalid string: must be at most 200 characters");
    }
    const metadataError = checkMetadata(params.metadata);
    if (metadataError) return metadataError;
    const items = params.line_items;
    if (items === undefined) return missing("line_items", "Missing required param: line_items.");
    if (!Array.isArray(items) || items.length === 0) return invalid("line_items", "You must provide at least one line item.");
    /** @type {any[]} */
    const lines = [];
    for (const [index, item] of items.entries()) {
      const at = `line_items[${index}]`;
      if (!item || typeof item !== "object") return invalid(at, "Invalid object");
      if (item.price !== undefined) return missingResource(`${at}[price]`, `No such price: '${item.price}'`);
      const data = item.price_data;
      if (data === undefined) return missing(`${at}[price_data]`, `You must specify either \`price\` or \`price_data\` in ${at}.`);
      if (data.currency === undefined) return missing(`${at}[price_data][currency]`, `Missing required param: ${at}[price_data][currency].`);
      if (!CURRENCIES.has(String(data.currency))) return invalid(`${at}[price_data][currency]`, `Invalid currency: ${data.currency}.`);
      if (data.unit_amount === undefined && data.unit_amount_decimal === undefined) {
        return missing(`${at}[price_data][unit_amount]`, `Missing required param: ${at}[price_data][unit_amount].`);
      }
      const unitAmount = Number(data.unit_amount ?? data.unit_amount_decimal);
      if (!/^\d+$/.test(String(data.unit_amount ?? data.unit_amount_decimal))) return invalid(`${at}[price_data][unit_amount]`, "Invalid integer: " + data.unit_amount);
      if (data.product === undefined && data.product_data === undefined) {
        return missing(`${at}[price_data][product_data]`, `You must specify either \`product\` or \`product_data\` when creating a price.`);
      }
      if (data.product_data !== undefined && !data.product_data?.name) return missing(`${at}[price_data][product_data][name]`, `Missing required param: ${at}[price_data][product_data][name].`);
      if (data.recurring !== undefined) return invalid(`${at}[price_data][recurring]`, "You specified `payment` mode but passed a recurring price.");
      if (item.quantity === undefined) return missing(`${at}[quantity]`, `Missing required param: ${at}[quantity].`);
      if (!/^\d+$/.test(String(item.quantity)) || Number(item.quantity) < 1) return invalid(`${at}[quantity]`, "Invalid positive integer");
      lines.push({ currency: String(data.currency), unitAmount, quantity: Number(item.quantity), name: data.product_data?.name ?? data.product, description: data.product_data?.description ?? null });
    }
    const currency = lines[0].currency;
    if (lines.some((line) => line.currency !== currency)) return invalid("line_items", "All line items must use the same currency.");
    const total = lines.reduce((sum, line) => sum + line.unitAmount * line.quantity, 0);
    if (total < MINIMUM_AMOUNT) {
      return invalid("line_items", `The Checkout Session's total amount due must add up to at least ${MINIMUM_AMOUNT} in the currency's smallest unit.`);
    }
    const id = `cs_test_${randomId(58)}`;
    const created = now();
    const session = {
      id,
      object: "checkout.session",
      after_expiration: null,
      allow_promotion_codes: params.allow_promotion_codes === "true" ? true : null,
      amount_subtotal: total,
      amount_total: total,
      automatic_tax: { enabled: false, liability: null, status: null },
      billing_address_collection: null,
      cancel_url: params.cancel_url ?? null,
      client_reference_id: params.client_reference_id ?? null,
      client_secret: null,
      consent: null,
      consent_collection: null,
      created,
      currency,
      custom_fields: [],
      custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
      customer: params.customer ?? null,
      customer_creation: params.customer ? null : "if_required",
      customer_details: null,
      customer_email: params.customer_email ?? null,
      expires_at: created + SESSION_TTL_SECONDS,
      invoice: null,
      invoice_creation: { enabled: false, invoice_data: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: null, metadata: {}, rendering_options: null } },
      livemode: false,
      locale: params.locale ?? null,
      metadata: params.metadata ?? {},
      mode,
      payment_intent: null,
      payment_link: null,
      payment_method_collection: "if_required",
      payment_method_types: ["card"],
      payment_status: "unpaid",
      phone_number_collection: { enabled: false },
      recovered_from: null,
      setup_intent: null,
      shipping_address_collection: null,
      shipping_cost: null,
      shipping_options: [],
      status: "open",
      submit_type: params.submit_type ?? null,
      subscription: null,
      success_url: params.success_url ?? null,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: "hosted",
      url: `${self}/pay/${id}`,
    };
    sessions.set(id, { session, lines, apiVersion: req.headers["stripe-version"] ?? API_VERSION, paymentIntentMetadata: params.payment_intent_data?.metadata ?? {} });
    return { json: session };
  }

  function retrieveSession(req) {
    const record = sessions.get(req.params[0]);
    if (!record) return stripeError(404, "invalid_request_error", "resource_missing", `No such checkout.session: '${req.params[0]}'`, "session");
    return { json: refreshed(record).session };
  }

  function listSessions(_req, params) {
    let list = [...sessions.values()].map((record) => refreshed(record).session);
    if (params.payment_intent !== undefined) list = list.filter((session) => session.payment_intent === params.payment_intent);
    if (params.customer !== undefined) list = list.filter((session) => session.customer === params.customer);
    const limit = params.limit === undefined ? 10 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid("limit", "Invalid integer: must be between 1 and 100");
    list.sort((a, b) => b.created - a.created);
    return { json: { object: "list", data: list.slice(0, limit), has_more: list.length > limit, url: "/v1/checkout/sessions" } };
  }

  function createRefund(_req, params) {
    const unknown = unknownParam(params, ["payment_intent", "charge", "amount", "reason", "metadata"]);
    if (unknown) return unknown;
    if (params.payment_intent === undefined && params.charge === undefined) return missing("charge", "One of the following params should be provided for this request: payment_intent or charge.");
    const charge = params.charge !== undefined ? charges.get(params.charge) : [...charges.values()].find((c) => c.payment_intent === params.payment_intent);
    if (!charge) {
      return params.charge !== undefined
        ? missingResource("charge", `No such charge: '${params.charge}'`)
        : missingResource("payment_intent", `No such payment_intent: '${params.payment_intent}'`);
    }
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining <= 0) return stripeError(400, "invalid_request_error", "charge_already_refunded", `Charge ${charge.id} has already been refunded.`);
    const amount = params.amount === undefined ? remaining : Number(params.amount);
    if (!Number.isInteger(amount) || amount < 1) return invalid("amount", "Invalid positive integer");
    if (amount > remaining) return invalid("amount", `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`);
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    const refund = {
      id: `re_${randomId(24)}`,
      object: "refund",
      amount,
      balance_transaction: `txn_${randomId(24)}`,
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      metadata: params.metadata ?? {},
      payment_intent: charge.payment_intent,
      reason: params.reason ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: "succeeded",
      transfer_reversal: null,
    };
    const session = [...sessions.values()].find((record) => record.session.payment_intent === charge.payment_intent);
    void emit("charge.refunded", { ...charge }, previous, session?.apiVersion);
    return { json: refund };
  }

  function payPage(req) {
    const record = sessions.get(req.params[0]);
    if (!record) return page(404, "Checkout session not found", `<p>There is no checkout session <code>${escape(req.params[0])}</code>.</p>`);
    const { session, lines } = refreshed(record);
    if (session.status === "complete") {
      const back = session.success_url ? `<p><a href="${escape(successUrl(session))}">Return to the merchant</a></p>` : "";
      return page(200, "Already paid", `<p>This checkout session has been paid.</p>${back}`);
    }
    if (session.status === "expired") return page(410, "Session expired", "<p>This checkout session has expired.</p>");
    const rows = lines
      .map((line) => `<tr><td>${escape(line.name)}${line.description ? `<br><small>${escape(line.description)}</small>` : ""}</td><td>× ${line.quantity}</td><td>${money(line.unitAmount * line.quantity, line.currency)}</td></tr>`)
      .join("");
    const customer = session.customer ? customers.get(session.customer) : null;
    const email = customer?.email ?? session.customer_email ?? "";
    const cancel = session.cancel_url ? `<a class="cancel" href="${escape(session.cancel_url)}">Cancel and go back</a>` : "";
    return page(
      200,
      "Sandbox checkout",
      `<p class="badge">Sandbox: no real card is charged</p>
       <table>${rows}<tr class="total"><td>Total</td><td></td><td>${money(session.amount_total, session.currency)}</td></tr></table>
       <form method="post" action="/pay/${escape(session.id)}">
         <label>Email <input name="email" type="email" value="${escape(email)}" required></label>
         <label>Card number <input name="card" value="4242 4242 4242 4242" readonly></label>
         <button type="submit">Pay ${money(session.amount_total, session.currency)}</button>
       </form>${cancel}`,
    );
  }

  async function pay(req) {
    const record = sessions.get(req.params[0]);
    if (!record) return page(404, "Checkout session not found", "<p>No such checkout session.</p>");
    const { session } = refreshed(record);
    if (session.status !== "open") return page(409, "Not payable", `<p>This checkout session is ${escape(session.status)}.</p>`);
    const form = new URLSearchParams(req.rawBody);
    const customer = session.customer ? customers.get(session.customer) : null;
    const paymentIntent = `pi_${randomId(24)}`;
    const charge = {
      id: `ch_${randomId(24)}`,
      object: "charge",
      amount: session.amount_total,
      amount_captured: session.amount_total,
      amount_refunded: 0,
      balance_transaction: `txn_${randomId(24)}`,
      billing_details: { address: null, email: form.get("email") || customer?.email || null, name: customer?.name ?? null, phone: null },
      captured: true,
      created: now(),
      currency: session.currency,
      customer: session.customer,
      description: null,
      disputed: false,
      failure_code: null,
      failure_message: null,
      livemode: false,
      metadata: { ...record.paymentIntentMetadata },
      outcome: { network_status: "approved_by_network", reason: null, risk_level: "normal", seller_message: "Payment complete.", type: "authorized" },
      paid: true,
      payment_intent: paymentIntent,
      payment_method: `pm_${randomId(24)}`,
      receipt_email: null,
      receipt_url: null,
      refunded: false,
      status: "succeeded",
    };
    charges.set(charge.id, charge);
    Object.assign(session, {
      status: "complete",
      payment_status: "paid",
      payment_intent: paymentIntent,
      customer_details: { address: null, email: charge.billing_details.email, name: charge.billing_details.name, phone: null, tax_exempt: "none", tax_ids: [] },
    });
    const event = await emit("checkout.session.completed", { ...session }, undefined, record.apiVersion);
    if (!session.success_url) return page(200, "Payment complete", `<p>Paid. Webhook delivery: ${escape(describeDelivery(event))}.</p>`);
    return { status: 303, headers: { location: successUrl(session) }, text: "" };
  }

  /** Builds, signs and delivers an event the way Stripe does; returns the recorded event. */
  async function emit(type, object, previousAttributes, apiVersion = API_VERSION) {
    const event = {
      id: `evt_${randomId(24)}`,
      object: "event",
      api_version: apiVersion,
      created: now(),
      data: previousAttributes ? { object, previous_attributes: previousAttributes } : { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: `req_${randomId(14)}`, idempotency_key: null },
      type,
    };
    const payload = JSON.stringify(event, null, 2);
    const record = { id: event.id, type, payload, signature: "", deliveries: /** @type {any[]} */ ([]) };
    events.push(record);
    await deliver(record, 0);
    return record;
  }

  async function deliver(record, attempt) {
    const url = `${appUrl}/api/webhooks/stripe`;
    record.signature = signatureHeader(record.payload, keys.webhookSecret);
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": record.signature, "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" },
        body: record.payload,
        signal: AbortSignal.timeout(10_000),
      });
      record.deliveries.push({ at: new Date().toISOString(), status: response.status });
      if (response.ok) return;
    } catch (error) {
      record.deliveries.push({ at: new Date().toISOString(), error: error instanceof Error ? error.message : String(error) });
    }
    const delay = RETRY_DELAYS_MS[attempt];
    if (delay === undefined) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void deliver(record, attempt + 1);
    }, delay);
    timer.unref();
    timers.add(timer);
  }

  function refreshed(record) {
    if (record.session.status === "open" && record.session.expires_at <= now()) record.session.status = "expired";
    return record;
  }

  const running = await startStandIn({
    name: "stripe",
    port,
    routes: [
      { method: "POST", path: "/v1/customers", handle: api(createCustomer, { mutating: true }) },
      { method: "POST", path: "/v1/checkout/sessions", handle: api(createSession, { mutating: true }) },
      { method: "GET", path: "/v1/checkout/sessions", handle: api(listSessions) },
      { method: "GET", path: /^\/v1\/checkout\/sessions\/([^/]+)$/, handle: api(retrieveSession) },
      { method: "POST", path: "/v1/refunds", handle: api(createRefund, { mutating: true }) },
      { method: "GET", path: /^\/pay\/([^/]+)$/, handle: payPage },
      { method: "POST", path: /^\/pay\/([^/]+)$/, handle: pay },
    ],
    state: () => ({
      customers: [...customers.values()],
      sessions: [...sessions.values()].map((record) => record.session),
      charges: [...charges.values()],
      events,
    }),
    onReset: () => {
      events = [];
    },
  });
  self = running.url;
  return {
    ...running,
    ...keys,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await running.close();
    },
  };
}

/** The `Stripe-Signature` header Stripe sends: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">`. */
export function signatureHeader(payload, secret, timestamp = now()) {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

/**
 * Decodes Stripe's form encoding (`line_items[0][price_data][currency]=usd`) into nested
 * objects and arrays, as Stripe's API reads it.
 * @param {URLSearchParams} search
 */
export function nestParams(search) {
  /** @type {Record<string, any>} */
  const root = {};
  for (const [rawKey, value] of search) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(rawKey);
    if (!match) continue;
    const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((part) => part[1])];
    let node = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i] === "" ? String(Array.isArray(node) ? node.length : Object.keys(node).length) : path[i];
      if (i === path.length - 1) {
        node[segment] = value;
        break;
      }
      if (node[segment] === undefined || typeof node[segment] !== "object") node[segment] = /^\d+$/.test(path[i + 1]) || path[i + 1] === "" ? [] : {};
      node = node[segment];
    }
  }
  return root;
}

/** Stripe takes the key as a bearer token, or as the user name of HTTP Basic auth (`curl -u sk_…:`). */
function authenticate(header, secretKey) {
  const basic = /^Basic (.+)$/i.exec(header ?? "");
  const match = basic ? [basic[0], Buffer.from(basic[1], "base64").toString("utf8").split(":")[0]] : /^Bearer (.+)$/i.exec(header ?? "");
  if (!match || !match[1]) {
    return stripeError(401, "invalid_request_error", undefined, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
  }
  if (match[1] !== secretKey) return stripeError(401, "invalid_request_error", "api_key_invalid", `Invalid API Key provided: ${match[1].slice(0, 8)}${"*".repeat(Math.max(4, match[1].length - 12))}${match[1].slice(-4)}`);
  return null;
}

function unknownParam(params, allowed) {
  const extra = Object.keys(params).find((key) => !allowed.includes(key));
  return extra ? invalid(extra, `Received unknown parameter: ${extra}`) : null;
}

function checkMetadata(metadata) {
  if (metadata === undefined) return null;
  if (typeof metadata !== "object" || Array.isArray(metadata)) return invalid("metadata", "Invalid object");
  const entries = Object.entries(metadata);
  if (entries.length > 50) return invalid("metadata", "Metadata can have up to 50 keys.");
  for (const [key, value] of entries) {
    if (key.length > 40) return invalid(`metadata[${key}]`, "Metadata keys can have up to 40 characters.");
    if (String(value).length > 500) return invalid(`metadata[${key}]`, "Metadata values can have up to 500 characters.");
  }
  return null;
}

function stripeError(status, type, code, message, param, errorType) {
  return {
    status,
    headers: { "request-id": `req_${randomId(14)}` },
    json: {
      error: {
        ...(code ? { code } : {}),
        doc_url: code ? `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}` : undefined,
        message,
        ...(param ? { param } : {}),
        request_log_url: `https://dashboard.stripe.com/test/logs/req_${randomId(14)}`,
        type: errorType ?? type,
      },
    },
  };
}
const invalid = (param, message) => stripeError(400, "invalid_request_error", undefined, message, param);
const missing = (param, message) => stripeError(400, "invalid_request_error", "parameter_missing", message, param);
const missingResource = (param, message) => stripeError(400, "invalid_request_error", "resource_missing", message, param);

function successUrl(session) {
  return String(session.success_url).replaceAll("{CHECKOUT_SESSION_ID}", session.id);
}

function describeDelivery(event) {
  const last = event.deliveries.at(-1);
  if (!last) return "not sent";
  return last.status ? `HTTP ${last.status}` : `failed (${last.error}); retrying`;
}

function isUrl(value) {
  try {
    const url = new URL(String(value));
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function money(amount, currency) {
  const zeroDecimal = currency === "jpy";
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(zeroDecimal ? amount : amount / 100);
  } catch {
    return `${amount} ${currency}`;
  }
}

function page(status, title, body) {
  return {
    status,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(title)} · Stripe stand-in</title>
<style>
  body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a2e}
  h1{font-size:1.4rem} table{width:100%;border-collapse:collapse;margin:1rem 0} td{padding:.4rem 0;border-bottom:1px solid #eee}
  td:last-child{text-align:right} .total td{font-weight:600;border-bottom:none} label{display:block;margin:.6rem 0}
  input{width:100%;padding:.5rem;box-sizing:border-box;font:inherit} button{width:100%;padding:.7rem;margin-top:1rem;background:#635bff;color:#fff;border:0;border-radius:6px;font:inherit;font-weight:600;cursor:pointer}
  .badge{display:inline-block;background:#fff4d6;color:#7a5300;padding:.2rem .6rem;border-radius:4px;font-size:.85rem} .cancel{display:block;text-align:center;margin-top:1rem}
</style></head><body><h1>${escape(title)}</h1>${body}</body></html>`,
  };
}

function escape(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function randomId(length) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

function now() {
  return Math.floor(Date.now() / 1000);
}

/** @type {import("./index.mjs").StandInDefinition} */
export const stripeStandIn = {
  name: "stripe",
  overrideVariable: "STRIPE_API_BASE",
  realKeyVariable: "STRIPE_SECRET_KEY",
  start: ({ port, appUrl } = {}) => startStripeStandIn({ port, appUrl }),
  bindings: (running) => {
    const stripe = /** @type {Awaited<ReturnType<typeof startStripeStandIn>>} */ (/** @type {unknown} */ (running));
    return { STRIPE_API_BASE: stripe.url, STRIPE_SECRET_KEY: stripe.secretKey, STRIPE_WEBHOOK_SECRET: stripe.webhookSecret };
  },
};
