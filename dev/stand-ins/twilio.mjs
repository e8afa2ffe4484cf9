/**
 * A stand-in for the part of Twilio's REST API (2010-04-01) Agentline uses, in Twilio's wire
 * format as twilio-node speaks it (ADR 0140): HTTP Basic auth AccountSid:AuthToken, form-encoded
 * bodies with PascalCase names, JSON answers with snake_case fields, errors as
 * `{code, message, more_info, status}` with Twilio's error codes.
 *
 *   GET    /2010-04-01/Accounts/{sid}/AvailablePhoneNumbers/{country}/Local.json  ?AreaCode&SmsEnabled&VoiceEnabled&PageSize
 *   POST   /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json   PhoneNumber | AreaCode, FriendlyName, SmsUrl, SmsMethod
 *   GET    /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers.json   ?PhoneNumber
 *   GET    /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers/{PN…}.json
 *   DELETE /2010-04-01/Accounts/{sid}/IncomingPhoneNumbers/{PN…}.json  (204)
 *   POST   /2010-04-01/Accounts/{sid}/Messages.json               To, From, Body, StatusCallback
 *   GET    /2010-04-01/Accounts/{sid}/Messages/{SM…}.json
 *
 * Like Twilio, it keeps the carriers' opt-outs: a caller who texted STOP (or a synonym) to a
 * number gets nothing more from it (21610) until START. Webhooks are signed with the auth token
 * (X-Twilio-Signature over the URL and the sorted parameters) and POSTed form-encoded:
 *   - a sent message's status callbacks (`sent`, then `delivered`) to its StatusCallback, at once
 *     in the sandbox; with `relayWebhooks` (the tests) only when asked:
 *       POST /__stand-in/messages/{SM…}/status {status}  → the callback, parked on the relay
 *   - a caller's text to the number's SmsUrl:
 *       POST /__stand-in/inbound {from, to, body}  → {message, delivery: {status, body}}
 * `GET /` is the sandbox page: every conversation, and a form to reply as the caller.
 * Kept state (kit.mjs): the keys, numbers, messages and opt-outs, in .data/stand-ins/twilio.json.
 */
import { createHmac, randomBytes } from "node:crypto";
import { collection, openState, startStandIn } from "./kit.mjs";

export const TWILIO_SANDBOX_ACCOUNT_SID = `AC${"5a4d".repeat(8)}`;
const API = "/2010-04-01";
const SID = "([A-Za-z0-9]+)";
const OPT_OUT = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]);
const OPT_IN = new Set(["START", "UNSTOP"]);

/** X-Twilio-Signature: twilio-node's getExpectedTwilioSignature. @param {Record<string,string>} params */
export function twilioSignature(authToken, url, params) {
  const data = Object.keys(params)
    .sort()
    .reduce((text, key) => text + key + params[key], url);
  return createHmac("sha1", authToken).update(Buffer.from(data, "utf-8")).digest("base64");
}

const GSM = new Set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà");
const GSM_EXTENSION = new Set("\f^{}\\[~]|€");

/** Segments as Twilio reports them in num_segments (GSM-7 160/153, else UCS-2 70/67). */
export function segmentsOf(body) {
  const chars = [...body];
  const gsm = chars.every((ch) => GSM.has(ch) || GSM_EXTENSION.has(ch));
  const sizes = chars.map((ch) => (gsm ? (GSM_EXTENSION.has(ch) ? 2 : 1) : ch.length));
  const total = sizes.reduce((a, b) => a + b, 0);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return segments;
}

const twilioError = (status, code, message) => ({ status, json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } });
const stamp = () => new Date().toUTCString().replace("GMT", "+0000");
const sid = (prefix) => `${prefix}${randomBytes(16).toString("hex")}`;
const escapeHtml = (value) => String(value ?? "").replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * @param {{ port?: number, dataDir?: string | null, relayWebhooks?: boolean, accountSid?: string, authToken?: string }} [options]
 */
export async function startTwilioStandIn({ port = 0, dataDir = null, relayWebhooks = false, accountSid, authToken } = {}) {
  const store = openState({
    dataDir,
    name: "twilio",
    initial: () => ({
      keys: { accountSid: TWILIO_SANDBOX_ACCOUNT_SID, authToken: randomBytes(16).toString("hex") },
      numbers: {},
      messages: {},
      /** `${business number} ${caller}`: true while the caller has opted out of that number. */
      optOuts: {},
    }),
  });
  // The keys are kept from the first start, so numbers bought (their SmsUrl signed with this token) survive a restart.
  if (store.file) store.save();
  const keys = { accountSid: accountSid ?? store.data.keys.accountSid, authToken: authToken ?? store.data.keys.authToken };
  const numbers = collection(store.data.numbers, store.save);
  const messages = collection(store.data.messages, store.save);
  let self = "";

  const base = `${API}/Accounts/${keys.accountSid}`;
  const uri = (path) => `${base}${path}`;

  /** Basic auth with our account, and the account in the path must be ours. */
  const api = (handler) => (req) => {
    const expected = `Basic ${Buffer.from(`${keys.accountSid}:${keys.authToken}`).toString("base64")}`;
    if (req.headers.authorization !== expected) return twilioError(401, 20003, "Authenticate");
    if (req.params[0] !== keys.accountSid) return twilioError(404, 20404, `The requested resource ${req.path} was not found`);
    const params = req.method === "GET" ? new URLSearchParams(req.query) : new URLSearchParams(req.rawBody);
    return handler(req, params);
  };

  const publicNumber = (record) => ({
    sid: record.sid,
    account_sid: keys.accountSid,
    friendly_name: record.friendly_name,
    phone_number: record.phone_number,
    sms_url: record.sms_url,
    sms_method: record.sms_method,
    voice_url: record.voice_url ?? null,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    status: "in-use",
    api_version: "2010-04-01",
    date_created: record.date_created,
    date_updated: record.date_updated,
    uri: uri(`/IncomingPhoneNumbers/${record.sid}.json`),
  });

  const publicMessage = (record) => ({
    sid: record.sid,
    account_sid: keys.accountSid,
    api_version: "2010-04-01",
    body: record.body,
    direction: record.direction,
    from: record.from,
    to: record.to,
    status: record.status,
    num_segments: String(record.num_segments),
    num_media: "0",
    error_code: null,
    error_message: null,
    price: null,
    price_unit: "USD",
    messaging_service_sid: null,
    date_created: record.date_created,
    date_updated: record.date_updated,
    date_sent: record.status === "queued" ? null : record.date_updated,
    uri: uri(`/Messages/${record.sid}.json`),
    subresource_uris: { media: uri(`/Messages/${record.sid}/Media.json`) },
  });

  const owned = (e164) => numbers.values().find((record) => record.phone_number === e164);

  function available(req, params) {
    const areaCode = params.get("AreaCode") ?? "415";
    if (!/^[2-9]\d{2}$/.test(areaCode)) return twilioError(400, 21452, `No phone numbers found in area code ${areaCode}`);
    const size = Math.min(Number(params.get("PageSize") ?? 5) || 5, 30);
    const list = [];
    while (list.length < size) {
      const phone = `+1${areaCode}555${String(Math.floor(1000 + Math.random() * 9000))}`;
      if (!owned(phone) && !list.includes(phone)) list.push(phone);
    }
    return {
      json: {
        available_phone_numbers: list.map((phone) => ({
          friendly_name: `(${areaCode}) 555-${phone.slice(-4)}`,
          phone_number: phone,
          lata: "722",
          locality: "San Francisco",
          rate_center: "SNFC",
          latitude: "37.780000",
          longitude: "-122.420000",
          region: "CA",
          postal_code: "94103",
          iso_country: req.params[1],
          address_requirements: "none",
          beta: false,
          capabilities: { voice: true, SMS: true, MMS: true },
        })),
        uri: req.path,
      },
    };
  }

  function buy(_req, params) {
    let phone = params.get("PhoneNumber");
    const areaCode = params.get("AreaCode");
    if (!phone && !areaCode) return twilioError(400, 21605, "A 'PhoneNumber' or 'AreaCode' is required");
    if (!phone) phone = `+1${areaCode}555${String(Math.floor(1000 + Math.random() * 9000))}`;
    if (!/^\+[1-9]\d{7,14}$/.test(phone)) return twilioError(400, 21421, `PhoneNumber is invalid`);
    if (owned(phone)) return twilioError(400, 21422, "PhoneNumber requested is not available");
    const now = stamp();
    const record = { sid: sid("PN"), phone_number: phone, friendly_name: params.get("FriendlyName") ?? phone, sms_url: params.get("SmsUrl") ?? null, sms_method: params.get("SmsMethod") ?? "POST", date_created: now, date_updated: now };
    numbers.set(record.sid, record);
    return { status: 201, json: publicNumber(record) };
  }

  function listNumbers(req, params) {
    const phone = params.get("PhoneNumber");
    const list = numbers.values().filter((record) => !phone || record.phone_number === phone);
    return { json: { incoming_phone_numbers: list.map(publicNumber), page: 0, page_size: 50, start: 0, end: Math.max(0, list.length - 1), uri: req.path, first_page_uri: req.path, next_page_uri: null, previous_page_uri: null } };
  }

  const notFound = (req) => twilioError(404, 20404, `The requested resource ${req.path} was not found`);

  async function send(_req, params) {
    const to = params.get("To");
    const from = params.get("From");
    const body = params.get("Body") ?? "";
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!/^\+[1-9]\d{7,14}$/.test(to)) return twilioError(400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!from || !owned(from)) return twilioError(400, 21606, `The From phone number ${from ?? ""} is not a valid, SMS-capable inbound phone number or short code for your account.`);
    if (!body) return twilioError(400, 21602, "Message body is required.");
    if (body.length > 1600) return twilioError(400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    if (store.data.optOuts[`${from} ${to}`]) return twilioError(400, 21610, "Attempt to send to unsubscribed recipient");
    const now = stamp();
    const record = { sid: sid("SM"), direction: "outbound-api", from, to, body, status: "queued", num_segments: segmentsOf(body), status_callback: params.get("StatusCallback"), callbacks: [], date_created: now, date_updated: now };
    messages.set(record.sid, record);
    if (record.status_callback && !relayWebhooks) {
      // As Twilio does: the callbacks follow the answer.
      setTimeout(() => void advance(record.sid, "sent").then(() => advance(record.sid, "delivered")), 50);
    }
    return { status: 201, json: publicMessage(record) };
  }

  /** Where a webhook goes: its URL, or (tests) the same path on our relay. It is signed with `url` either way. */
  async function deliver(url, params) {
    const signature = twilioSignature(keys.authToken, url, params);
    const target = relayWebhooks ? `${self}/__relay${new URL(url).pathname}${new URL(url).search}` : url;
    try {
      const response = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature, "i-twilio-idempotency-token": randomBytes(8).toString("hex") },
        body: new URLSearchParams(params).toString(),
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      return { status: 0, body: error instanceof Error ? error.message : String(error) };
    }
  }

  async function advance(messageSid, status) {
    const record = messages.get(messageSid);
    if (!record) return null;
    record.status = status;
    record.date_updated = stamp();
    messages.save();
    if (!record.status_callback) return null;
    const params = { AccountSid: keys.accountSid, ApiVersion: "2010-04-01", From: record.from, To: record.to, MessageSid: record.sid, SmsSid: record.sid, MessageStatus: status, SmsStatus: status };
    const result = await deliver(record.status_callback, params);
    record.callbacks.push({ status, at: new Date().toISOString(), answer: result.status });
    messages.save();
    return result;
  }

  /** A caller's text to one of our numbers, as Twilio posts it to the number's SmsUrl. */
  async function inbound(from, to, body) {
    const number = owned(to);
    if (!number) return { status: 404, json: { error: `no Twilio number ${to} in this account` } };
    const word = body.trim().toUpperCase();
    if (OPT_OUT.has(word)) store.data.optOuts[`${to} ${from}`] = true;
    if (OPT_IN.has(word)) delete store.data.optOuts[`${to} ${from}`];
    const now = stamp();
    const record = { sid: sid("SM"), direction: "inbound", from, to, body, status: "received", num_segments: segmentsOf(body), callbacks: [], date_created: now, date_updated: now };
    messages.set(record.sid, record);
    if (!number.sms_url) return { json: { message: publicMessage(record), delivery: null } };
    const params = {
      ToCountry: "US",
      ToState: "CA",
      SmsMessageSid: record.sid,
      NumMedia: "0",
      ToCity: "",
      FromZip: "",
      SmsSid: record.sid,
      FromState: "",
      SmsStatus: "received",
      FromCity: "",
      Body: body,
      FromCountry: "US",
      To: to,
      ToZip: "",
      NumSegments: String(record.num_segments),
      MessageSid: record.sid,
      AccountSid: keys.accountSid,
      From: from,
      ApiVersion: "2010-04-01",
    };
    const delivery = await deliver(number.sms_url, params);
    return { json: { message: publicMessage(record), delivery } };
  }

  function page() {
    const conversations = new Map();
    for (const record of messages.values()) {
      const caller = record.direction === "inbound" ? record.from : record.to;
      const ours = record.direction === "inbound" ? record.to : record.from;
      const key = `${ours} ${caller}`;
      if (!conversations.has(key)) conversations.set(key, { ours, caller, messages: [] });
      conversations.get(key).messages.push(record);
    }
    const sections = [...conversations.values()].reverse().map(({ ours, caller, messages: list }) => `
      <section><h2>${escapeHtml(caller)} ↔ ${escapeHtml(ours)}${store.data.optOuts[`${ours} ${caller}`] ? " <small>(opted out)</small>" : ""}</h2>
      ${list.map((m) => `<p class="${m.direction === "inbound" ? "in" : "out"}"><b>${m.direction === "inbound" ? "Caller" : "Business"}</b> ${escapeHtml(m.body)} <small>${escapeHtml(m.status)} · ${m.num_segments} segment(s) · ${escapeHtml(m.date_created)}</small></p>`).join("")}
      <form method="post" action="/__stand-in/reply"><input type="hidden" name="from" value="${escapeHtml(caller)}"><input type="hidden" name="to" value="${escapeHtml(ours)}">
      <input name="body" placeholder="Reply as the caller (C, X, STOP, …)" required> <button>Send</button></form></section>`);
    return {
      html: `<!doctype html><meta charset="utf-8"><title>Twilio stand-in</title>
      <style>body{font:15px system-ui;max-width:46rem;margin:2rem auto}section{border:1px solid #ddd;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}.in{text-align:left}.out{text-align:right;color:#124}small{color:#777}</style>
      <h1>Twilio stand-in: texts</h1><p>${numbers.values().length} number(s) in account ${escapeHtml(keys.accountSid)}.</p>${sections.join("") || "<p>No texts yet.</p>"}`,
    };
  }

  const running = await startStandIn({
    name: "twilio",
    port,
    routes: [
      { method: "GET", path: new RegExp(`^${API}/Accounts/${SID}/AvailablePhoneNumbers/([A-Z]{2})/Local\\.json$`), handle: api(available) },
      { method: "POST", path: new RegExp(`^${API}/Accounts/${SID}/IncomingPhoneNumbers\\.json$`), handle: api(buy) },
      { method: "GET", path: new RegExp(`^${API}/Accounts/${SID}/IncomingPhoneNumbers\\.json$`), handle: api(listNumbers) },
      {
        method: "GET",
        path: new RegExp(`^${API}/Accounts/${SID}/IncomingPhoneNumbers/(PN[0-9a-f]+)\\.json$`),
        handle: api((req) => (numbers.get(req.params[1]) ? { json: publicNumber(numbers.get(req.params[1])) } : notFound(req))),
      },
      {
        method: "DELETE",
        path: new RegExp(`^${API}/Accounts/${SID}/IncomingPhoneNumbers/(PN[0-9a-f]+)\\.json$`),
        handle: api((req) => (numbers.delete(req.params[1]) ? { status: 204 } : notFound(req))),
      },
      { method: "POST", path: new RegExp(`^${API}/Accounts/${SID}/Messages\\.json$`), handle: api(send) },
      {
        method: "GET",
        path: new RegExp(`^${API}/Accounts/${SID}/Messages/(SM[0-9a-f]+)\\.json$`),
        handle: api((req) => (messages.get(req.params[1]) ? { json: publicMessage(messages.get(req.params[1])) } : notFound(req))),
      },
      {
        method: "POST",
        path: /^\/__stand-in\/inbound$/,
        handle: (req) => {
          const body = /** @type {{ from?: string, to?: string, body?: string } | undefined} */ (req.body);
          return inbound(String(body?.from ?? ""), String(body?.to ?? ""), String(body?.body ?? ""));
        },
      },
      {
        method: "POST",
        path: /^\/__stand-in\/reply$/,
        handle: async (req) => {
          const form = new URLSearchParams(req.rawBody);
          await inbound(form.get("from") ?? "", form.get("to") ?? "", form.get("body") ?? "");
          return { status: 303, headers: { location: "/" } };
        },
      },
      {
        method: "POST",
        path: /^\/__stand-in\/messages\/(SM[0-9a-f]+)\/status$/,
        handle: async (req) => {
          const body = /** @type {{ status?: string } | undefined} */ (req.body);
          const result = await advance(req.params[0], String(body?.status ?? "delivered"));
          return result ? { json: { delivery: result } } : { status: 404, json: { error: "no such message, or it has no StatusCallback" } };
        },
      },
      { method: "GET", path: "/", handle: page },
    ],
    state: () => ({ numbers: numbers.values().map(publicNumber), messages: messages.values().map((record) => ({ ...publicMessage(record), callbacks: record.callbacks })), optOuts: Object.keys(store.data.optOuts) }),
    onReset: () => {},
  });
  self = running.url;
  return { ...running, ...keys };
}

/** @type {import("./index.mjs").StandInDefinition} */
export const twilioStandIn = {
  name: "twilio",
  overrideVariable: "TWILIO_BASE_URL",
  realKeyVariable: "TWILIO_AUTH_TOKEN",
  start: ({ port, dataDir, relayWebhooks } = {}) => startTwilioStandIn({ port, dataDir, relayWebhooks }),
  bindings: (running) => {
    const twilio = /** @type {Awaited<ReturnType<typeof startTwilioStandIn>>} */ (/** @type {unknown} */ (running));
    return { TWILIO_BASE_URL: twilio.url, TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_AUTH_TOKEN: twilio.authToken };
  },
};
