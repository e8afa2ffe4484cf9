/**
 * X-Twilio-Signature, computed as Twilio computes it (docs/architecture.md §7b; twilio-node's
 * webhooks.ts `getExpectedTwilioSignature`): the full URL Twilio requested (scheme, host, path
 * and query), then every POST parameter sorted by name with its value appended, no separators;
 * HMAC-SHA1 with the account's auth token; base64. WebCrypto, so it runs in workerd.
 */
import { constantTimeEqual } from "../../lib/constant-time";

const encoder = new TextEncoder();

/** What is signed: the URL, then each parameter name and value in sorted name order. */
export function signedText(url: string, params: Iterable<[string, string]>): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return sorted.reduce((text, [name, value]) => text + name + value, url);
}

export async function twilioSignature(authToken: string, url: string, params: Iterable<[string, string]>): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(authToken), { name: "HMAC", hash: "SHA-1" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(signedText(url, params))));
  let binary = "";
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/**
 * Whether `header` is Twilio's signature of this request. Twilio signs the URL as it was
 * configured; a URL with the scheme's default port written out (or left out) is tried both ways,
 * as twilio-node's validateRequest does. Compared in constant time.
 */
export async function verifyTwilioSignature(authToken: string, header: string | undefined, url: string, params: [string, string][]): Promise<boolean> {
  if (!header) return false;
  let matched = false;
  for (const candidate of urlVariants(url)) {
    // Every variant is computed and compared, so the time does not say which one matched.
    if (constantTimeEqual(header, await twilioSignature(authToken, candidate, params))) matched = true;
  }
  return matched;
}

function urlVariants(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [url];
  }
  const defaultPort = parsed.protocol === "https:" ? "443" : parsed.protocol === "http:" ? "80" : "";
  if (parsed.port && parsed.port !== defaultPort) return [url];
  const withoutPort = `${parsed.protocol}//${parsed.host.replace(/:\d+$/, "")}${parsed.pathname}${parsed.search}`;
  const withPort = `${parsed.protocol}//${parsed.hostname}:${defaultPort}${parsed.pathname}${parsed.search}`;
  return url === withoutPort || url === withPort ? [withoutPort, withPort] : [url, withoutPort, withPort];
}
