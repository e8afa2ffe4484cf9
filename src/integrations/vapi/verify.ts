/**
 * Authenticates a message from Vapi (docs/vapi.md "Authentication of incoming messages") before
 * anything else reads it. Accepted:
 * - the HMAC credential: `x-signature` = hex(HMAC-SHA256(secret, `${x-timestamp}.${raw body}`)),
 *   with the timestamp within five minutes of now (in seconds or milliseconds: Vapi's unit is
 *   unconfirmed), compared in constant time over the bytes received;
 * - the legacy `X-Vapi-Secret: <secret>` header, compared in constant time, only when the
 *   deployment asks for it (`acceptLegacySecret`, VAPI_ACCEPT_LEGACY_SECRET): it is the key itself
 *   in the clear with no timestamp, so anyone who sees one request can forge any other.
 */
const TOLERANCE_SECONDS = 5 * 60;
const encoder = new TextEncoder();

export type VapiAuthResult = { ok: true; method: "hmac" | "secret" } | { ok: false; reason: string };

export interface VapiAuthHeaders {
  signature?: string | null;
  timestamp?: string | null;
  legacySecret?: string | null;
}

export interface VapiAuthOptions {
  /** Accept `X-Vapi-Secret: <secret>` (off unless VAPI_ACCEPT_LEGACY_SECRET=true). */
  acceptLegacySecret?: boolean;
  nowMs?: number;
}

export async function verifyVapiRequest(headers: VapiAuthHeaders, rawBody: string, secret: string, options: VapiAuthOptions = {}): Promise<VapiAuthResult> {
  const nowMs = options.nowMs ?? Date.now();
  if (headers.signature) {
    const timestamp = headers.timestamp?.trim() ?? "";
    if (!/^\d{1,16}$/.test(timestamp)) return { ok: false, reason: "missing or malformed x-timestamp" };
    const value = Number(timestamp);
    // Seconds are ~1.8e9 today, milliseconds ~1.8e12: anything from 1e11 up is milliseconds.
    const seconds = value >= 1e11 ? value / 1000 : value;
    if (Math.abs(nowMs / 1000 - seconds) > TOLERANCE_SECONDS) return { ok: false, reason: "x-timestamp is outside the five-minute window" };
    const expected = await hmacHex(secret, `${timestamp}.${rawBody}`);
    const given = headers.signature.trim().toLowerCase().replace(/^sha256=/, "");
    return timingSafeEqual(given, expected) ? { ok: true, method: "hmac" } : { ok: false, reason: "x-signature does not match" };
  }
  if (headers.legacySecret) {
    if (!options.acceptLegacySecret) return { ok: false, reason: "x-vapi-secret is not accepted (VAPI_ACCEPT_LEGACY_SECRET is off)" };
    return timingSafeEqual(headers.legacySecret, secret) ? { ok: true, method: "secret" } : { ok: false, reason: "x-vapi-secret does not match" };
  }
  return { ok: false, reason: "no x-signature or x-vapi-secret header" };
}

export async function hmacHex(secret: string, payload: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(payload)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Constant time in the length of `expected`; a length mismatch still compares a full buffer. */
function timingSafeEqual(given: string, expected: string): boolean {
  const a = encoder.encode(given);
  const b = encoder.encode(expected);
  const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual?: (x: ArrayBufferView, y: ArrayBufferView) => boolean };
  if (a.byteLength !== b.byteLength) {
    subtle.timingSafeEqual?.(b, b);
    return false;
  }
  if (subtle.timingSafeEqual) return subtle.timingSafeEqual(a, b);
  let diff = 0;
  for (let i = 0; i < a.byteLength; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
