/**
 * Stripe's wire format, shared by the Stripe stand-in's resources: the form encoding with
 * bracketed keys, bearer (or Basic) auth, the error envelope `{error: {type, code, message,
 * param, doc_url, request_log_url}}`, ids and timestamps as Stripe writes them.
 */
import { createHmac, randomBytes } from "node:crypto";

/** The API version the pinned SDK (stripe 23.1.0) sends and the stand-in answers in. */
export const API_VERSION = "2026-10-28.endive";

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
      // A key such as `__proto__` would reach Object.prototype; Stripe has no such parameter.
      if (segment === "__proto__" || segment === "constructor" || segment === "prototype") break;
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

/** The `Stripe-Signature` header Stripe sends: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.payload">`. */
export function signatureHeader(payload, secret, timestamp = now()) {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`, "utf8").digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

/** Stripe takes the key as a bearer token, or as the user name of HTTP Basic auth (`curl -u sk_…:`). */
export function authenticate(header, secretKey) {
  const basic = /^Basic (.+)$/i.exec(header ?? "");
  const match = basic ? [basic[0], Buffer.from(basic[1], "base64").toString("utf8").split(":")[0]] : /^Bearer (.+)$/i.exec(header ?? "");
  if (!match?.[1]) {
    return stripeError(401, "invalid_request_error", undefined, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').");
  }
  if (match[1] !== secretKey) return stripeError(401, "invalid_request_error", "api_key_invalid", `Invalid API Key provided: ${match[1].slice(0, 8)}${"*".repeat(Math.max(4, match[1].length - 12))}${match[1].slice(-4)}`);
  return null;
}

export function unknownParam(params, allowed) {
  const extra = Object.keys(params).find((key) => !allowed.includes(key));
  return extra ? invalid(extra, `Received unknown parameter: ${extra}`) : null;
}

export function checkMetadata(metadata) {
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

/** An error answer; the request id (the `Request-Id` header) is added by the stand-in per request. */
export function stripeError(status, type, code, message, param) {
  return {
    status,
    json: {
      error: {
        ...(code ? { code, doc_url: `https://stripe.com/docs/error-codes/${code.replace(/_/g, "-")}` } : {}),
        message,
        ...(param ? { param } : {}),
        type,
      },
    },
  };
}
export const invalid = (param, message) => stripeError(400, "invalid_request_error", undefined, message, param);
export const missing = (param, message) => stripeError(400, "invalid_request_error", "parameter_missing", message, param);
export const missingResource = (param, message) => stripeError(400, "invalid_request_error", "resource_missing", message, param);
/** `GET /v1/<resource>/<id>` of an id that does not exist: 404, as Stripe answers it. */
export const noSuch = (what, id, param = "id") => stripeError(404, "invalid_request_error", "resource_missing", `No such ${what}: '${id}'`, param);

export function isUrl(value) {
  try {
    const url = new URL(String(value));
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

export function randomId(length) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(length);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

export function now() {
  return Math.floor(Date.now() / 1000);
}
