/**
 * A stand-in for Vapi's REST API (https://api.vapi.ai): assistants, phone numbers and webhook
 * credentials, kept as kit.mjs's "Kept state" says (in .data/stand-ins/vapi.json under `npm run dev`). It checks payloads the way Vapi does (vapi-validation.mjs) and
 * answers in Vapi's shapes: 201 with the created object, 200 with the object on GET/PATCH/DELETE,
 * errors as `{message, error, statusCode}` (message a list for 400s). A bearer key is required.
 * New numbers answer `status: "activating"` and are `"active"` from the next GET on, as a
 * real number becomes active a while after purchase. Area codes starting with 0/1 and 555
 * have no numbers (Vapi's 400), so the "none available" path can be tried.
 *
 * State for tests: `GET /__control/state` → {assistants, phoneNumbers, credentials}.
 * `GET /assistant` pages as Vapi's does: newest first, `limit` (default 100, at most 1000) and
 * the createdAt/updatedAt filters `…Gt`, `…Lt`, `…Ge`, `…Le` (ISO times). A test may date an
 * assistant it creates with the stand-in-only header `x-stand-in-created-at` (an ISO time), so
 * a sweep can be tried with a fixed clock.
 *
 * Calls: `GET /call/{id}` answers a call in Vapi's `Call` shape (@vapi-ai/server-sdk 2.0.1:
 * id, orgId, type, status, endedReason, startedAt, endedAt, cost, assistantId, phoneNumberId,
 * customer, artifact, analysis, createdAt, updatedAt), or Vapi's 404. The stand-in knows the
 * calls a test or the simulator told it about with the stand-in-only `PUT /__stand-in/call/{id}`
 * (body: any fields of a Call; the rest defaults to an ended inbound phone call). To make it
 * fail, script a fault on `GET /call/{id}` (kit.mjs `POST /__control/faults`). `DELETE /call/{id}`
 * (the SDK's `calls.delete`) forgets the call and answers it, as Vapi does; 404 when unknown.
 */
import { randomUUID } from "node:crypto";
import { collection, openState, startStandIn } from "./kit.mjs";
import { assistantSpec, createCredentialSpec, createTwilioNumberSpec, createVapiNumberSpec, updateTwilioNumberSpec, updateVapiNumberSpec, validate } from "./vapi-validation.mjs";

/** The private key the sandbox worker uses; any other key gets Vapi's 401. */
export const VAPI_SANDBOX_API_KEY = "vapi-sandbox-private-key";
/** The HMAC key of the sandbox's webhook credential (ours, shared with the worker). */
export const VAPI_SANDBOX_WEBHOOK_SECRET = "sandbox-vapi-webhook-secret-0123456789abcdef";

const ORG_ID = "00000000-0000-4000-8000-00000000beef";
/**
 * What Vapi fills in on a created assistant when the request leaves it out (the defaults
 * @vapi-ai/server-sdk 2.0.1 documents on Assistant), so code that reads an assistant back
 * sees what the real one holds.
 */
const ASSISTANT_DEFAULTS = {
  firstMessageMode: "assistant-speaks-first",
  maxDurationSeconds: 600,
  firstMessageInterruptionsEnabled: false,
  modelOutputInMessagesEnabled: false,
  clientMessages: ["conversation-update", "function-call", "hang", "model-output", "speech-update", "status-update", "transfer-update", "transcript", "tool-calls", "user-interrupted", "voice-input", "workflow.node.started", "assistant.started"],
  serverMessages: ["conversation-update", "end-of-call-report", "function-call", "hang", "speech-update", "status-update", "tool-calls", "transfer-destination-request", "handoff-destination-request", "user-interrupted", "assistant.started"],
};
/** The list filters' suffixes (Vapi's ListAssistantsRequest). */
const COMPARISONS = { Gt: (a, b) => a > b, Lt: (a, b) => a < b, Ge: (a, b) => a >= b, Le: (a, b) => a <= b };
/** Area codes handed out when the buyer has no preference. */
const DEFAULT_AREA_CODES = ["415", "628", "646", "312", "512", "206"];

/** @param {{ port?: number, dataDir?: string | null }} [options] */
export async function startVapiStandIn({ port = 0, dataDir = null } = {}) {
  /** @typedef {Record<string, Record<string, any>>} Collection objects by id, oldest first */
  const store = openState({
    dataDir,
    name: "vapi",
    initial: () => ({
      assistants: /** @type {Collection} */ ({}),
      phoneNumbers: /** @type {Collection} */ ({}),
      credentials: /** @type {Collection} */ ({}),
      calls: /** @type {Collection} */ ({}),
    }),
  });
  // State kept by an older stand-in has no calls yet.
  store.data.calls ??= {};
  const assistants = collection(store.data.assistants, store.save);
  const phoneNumbers = collection(store.data.phoneNumbers, store.save);
  const credentials = collection(store.data.credentials, store.save);
  const calls = collection(store.data.calls, store.save);

  const json = (status, body) => ({ status, json: body });
  const badRequest = (message) => json(400, { message, error: "Bad Request", statusCode: 400 });
  const notFound = (what) => json(404, { message: `Couldn't Find ${what}.`, error: "Not Found", statusCode: 404 });

  /** Every route but the control API needs `Authorization: Bearer <private key>`. */
  const authed = (handle) => (req) => {
    const header = req.headers.authorization ?? "";
    if (header !== `Bearer ${VAPI_SANDBOX_API_KEY}`) {
      return json(401, {
        message: "Invalid Key. Hot tip, you may be using the private key instead of the public key, or vice versa.",
        error: "Unauthorized",
        statusCode: 401,
      });
    }
    return handle(req);
  };

  const stamp = () => new Date().toISOString();

  /**
   * A credential as Vapi answers it: the secret stays at Vapi (never echoed back), and every
   * credential carries an `authenticationSession` (empty for an HMAC plan).
   */
  function publicCredential(record) {
    const { secretKey: _secret, ...plan } = record.authenticationPlan ?? {};
    return { ...record, authenticationPlan: plan, authenticationSession: {} };
  }

  /** Numbers are stored as answered; a copy keeps callers from mutating the store. */
  function publicNumber(record) {
    return { ...record };
  }

  function createAssistant(req) {
    const errors = validate(req.body, assistantSpec);
    if (errors.length) return badRequest(errors);
    const dated = req.headers["x-stand-in-created-at"];
    const now = dated && !Number.isNaN(Date.parse(dated)) ? new Date(dated).toISOString() : stamp();
    const assistant = { id: randomUUID(), orgId: ORG_ID, ...structuredClone(ASSISTANT_DEFAULTS), ...req.body, createdAt: now, updatedAt: now };
    assistants.set(assistant.id, assistant);
    return json(201, assistant);
  }

  /** GET /assistant: Vapi's ListAssistantsRequest (limit and createdAt/updatedAt bounds), newest first. */
  function listAssistants(req) {
    const errors = [];
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 0 || limit > 1000) errors.push("limit must not be greater than 1000", "limit must be an integer number");
    const bounds = [];
    for (const field of ["createdAt", "updatedAt"]) {
      for (const [suffix, keep] of Object.entries(COMPARISONS)) {
        const value = req.query[field + suffix];
        if (value === undefined) continue;
        const time = Date.parse(value);
        if (Number.isNaN(time)) errors.push(`${field + suffix} must be a valid ISO 8601 date string`);
        else bounds.push((record) => keep(Date.parse(record[field]), time));
      }
    }
    if (errors.length) return badRequest(errors);
    const matching = [...assistants.values()].filter((record) => bounds.every((inBounds) => inBounds(record)));
    matching.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    return json(200, matching.slice(0, limit));
  }

  function updateAssistant(req) {
    const [id] = req.params;
    const current = assistants.get(id);
    if (!current) return notFound("Assistant");
    const errors = validate(req.body ?? {}, assistantSpec);
    if (errors.length) return badRequest(errors);
    // PATCH replaces each top-level property it names, as Vapi's does.
    const updated = { ...current, ...req.body, id, orgId: ORG_ID, createdAt: current.createdAt, updatedAt: stamp() };
    assistants.set(id, updated);
    return json(200, updated);
  }

  function newNumber(areaCode) {
    const taken = new Set([...phoneNumbers.values()].map((record) => record.number));
    for (;;) {
      const exchange = String(200 + Math.floor(Math.random() * 800));
      const line = String(Math.floor(Math.random() * 10000)).padStart(4, "0");
      const number = `+1${areaCode}${exchange}${line}`;
      if (!taken.has(number)) return number;
    }
  }

  function createPhoneNumber(req) {
    if (req.body?.provider === "twilio") return importTwilioNumber(req);
    const errors = validate(req.body, createVapiNumberSpec);
    if (errors.length) return badRequest(errors);
    const body = /** @type {Record<string, unknown>} */ (req.body);
    if (typeof body.assistantId === "string" && !assistants.has(body.assistantId)) return badRequest([`Couldn't Find Assistant ${body.assistantId}.`]);
    const areaCode = typeof body.numberDesiredAreaCode === "string"
      ? body.numberDesiredAreaCode
      : DEFAULT_AREA_CODES[Math.floor(Math.random() * DEFAULT_AREA_CODES.length)];
    if (/^[01]/.test(areaCode) || areaCode === "555") {
      return badRequest([`No phone numbers are available for area code ${areaCode}. Try another US area code.`]);
    }
    const now = stamp();
    const record = {
      id: randomUUID(),
      orgId: ORG_ID,
      ...body,
      number: newNumber(areaCode),
      status: "activating",
      createdAt: now,
      updatedAt: now,
    };
    phoneNumbers.set(record.id, record);
    return json(201, publicNumber(record));
  }

  /**
   * A Twilio number imported with the account's credentials (CreateTwilioPhoneNumberDto): Vapi
   * answers with it active at once (the number exists already). The auth token is never echoed.
   */
  function importTwilioNumber(req) {
    const errors = validate(req.body, createTwilioNumberSpec);
    if (errors.length) return badRequest(errors);
    const body = /** @type {Record<string, unknown>} */ (req.body);
    if (typeof body.assistantId === "string" && !assistants.has(body.assistantId)) return badRequest([`Couldn't Find Assistant ${body.assistantId}.`]);
    if ([...phoneNumbers.values()].some((number) => number.number === body.number)) return badRequest([`Number ${body.number} Already Exists.`]);
    const now = stamp();
    const record = { id: randomUUID(), orgId: ORG_ID, ...body, status: "active", createdAt: now, updatedAt: now };
    phoneNumbers.set(record.id, record);
    return json(201, publicNumber(record));
  }

  /** A read of a number: the purchase answered "activating"; by the next read it is active. */
  function readNumber(record) {
    if (record.status === "activating") {
      Object.assign(record, { status: "active", updatedAt: stamp() });
      phoneNumbers.save();
    }
    return publicNumber(record);
  }

  function updatePhoneNumber(req) {
    const [id] = req.params;
    const current = phoneNumbers.get(id);
    if (!current) return notFound("Phone Number");
    const errors = validate(req.body ?? {}, current.provider === "twilio" ? updateTwilioNumberSpec : updateVapiNumberSpec);
    if (errors.length) return badRequest(errors);
    const body = /** @type {Record<string, unknown>} */ (req.body ?? {});
    if (typeof body.assistantId === "string" && !assistants.has(body.assistantId)) return badRequest([`Couldn't Find Assistant ${body.assistantId}.`]);
    Object.assign(current, body, { id, updatedAt: stamp() });
    phoneNumbers.save();
    return json(200, publicNumber(current));
  }

  function createCredential(req) {
    const errors = validate(req.body, createCredentialSpec);
    if (errors.length) return badRequest(errors);
    const now = stamp();
    const credential = { id: randomUUID(), orgId: ORG_ID, ...req.body, createdAt: now, updatedAt: now };
    credentials.set(credential.id, credential);
    return json(201, publicCredential(credential));
  }

  /**
   * A call as the stand-in's Vapi would hold it after it ended (stand-in-only: real Vapi learns
   * of calls from the phone network). Fields given replace the defaults; `id` is the path's.
   */
  function putCall(req) {
    const [id] = req.params;
    const body = /** @type {Record<string, unknown>} */ (req.body && typeof req.body === "object" ? req.body : {});
    const now = stamp();
    const current = calls.get(id);
    const record = {
      type: "inboundPhoneCall",
      status: "ended",
      phoneCallProvider: "vapi",
      phoneCallTransport: "pstn",
      ...(current ?? { createdAt: now }),
      ...body,
      id,
      orgId: ORG_ID,
      updatedAt: now,
    };
    calls.set(id, record);
    return json(200, record);
  }

  const byId = (map, what, view = (record) => record) => (req) => {
    const record = map.get(req.params[0]);
    return record ? json(200, view(record)) : notFound(what);
  };
  const deleteById = (map, what, view = (record) => record) => (req) => {
    const record = map.get(req.params[0]);
    if (!record) return notFound(what);
    map.delete(req.params[0]);
    return json(200, view(record));
  };
  const ID = "([^/]+)";

  return startStandIn({
    name: "vapi",
    port,
    routes: [
      { method: "POST", path: "/assistant", handle: authed(createAssistant) },
      { method: "GET", path: "/assistant", handle: authed(listAssistants) },
      { method: "GET", path: new RegExp(`^/assistant/${ID}$`), handle: authed(byId(assistants, "Assistant")) },
      { method: "PATCH", path: new RegExp(`^/assistant/${ID}$`), handle: authed(updateAssistant) },
      { method: "DELETE", path: new RegExp(`^/assistant/${ID}$`), handle: authed(deleteById(assistants, "Assistant")) },
      { method: "POST", path: "/phone-number", handle: authed(createPhoneNumber) },
      { method: "GET", path: "/phone-number", handle: authed(() => json(200, [...phoneNumbers.values()].reverse().map(readNumber))) },
      {
        method: "GET",
        path: new RegExp(`^/phone-number/${ID}$`),
        handle: authed((req) => {
          const record = phoneNumbers.get(req.params[0]);
          return record ? json(200, readNumber(record)) : notFound("Phone Number");
        }),
      },
      { method: "PATCH", path: new RegExp(`^/phone-number/${ID}$`), handle: authed(updatePhoneNumber) },
      { method: "DELETE", path: new RegExp(`^/phone-number/${ID}$`), handle: authed(deleteById(phoneNumbers, "Phone Number", publicNumber)) },
      { method: "GET", path: new RegExp(`^/call/${ID}$`), handle: authed(byId(calls, "Call")) },
      { method: "DELETE", path: new RegExp(`^/call/${ID}$`), handle: authed(deleteById(calls, "Call")) },
      { method: "PUT", path: new RegExp(`^/__stand-in/call/${ID}$`), handle: putCall },
      { method: "POST", path: "/credential", handle: authed(createCredential) },
      { method: "GET", path: "/credential", handle: authed(() => json(200, [...credentials.values()].reverse().map(publicCredential))) },
      { method: "GET", path: new RegExp(`^/credential/${ID}$`), handle: authed(byId(credentials, "Credential", publicCredential)) },
      { method: "DELETE", path: new RegExp(`^/credential/${ID}$`), handle: authed(deleteById(credentials, "Credential", publicCredential)) },
    ],
    state: () => ({
      assistants: [...assistants.values()],
      phoneNumbers: [...phoneNumbers.values()].map(publicNumber),
      credentials: [...credentials.values()],
      calls: [...calls.values()],
    }),
  });
}

/** @type {import("./index.mjs").StandInDefinition} The registry entry (dev/stand-ins/index.mjs). */
export const vapiStandIn = {
  name: "vapi",
  overrideVariable: "VAPI_BASE_URL",
  realKeyVariable: "VAPI_API_KEY",
  start: ({ dataDir } = {}) => startVapiStandIn({ dataDir }),
  bindings: (running) => ({
    VAPI_BASE_URL: running.url,
    VAPI_API_KEY: VAPI_SANDBOX_API_KEY,
    VAPI_WEBHOOK_SECRET: VAPI_SANDBOX_WEBHOOK_SECRET,
  }),
};
