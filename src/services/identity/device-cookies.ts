/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"; ADR 0010): a
 * browser that has signed in to an account gets a token that says so, and its later logins to
 * that account are judged on that device's own failures instead of the account's, so strangers
 * guessing at an e-mail cannot lock its owner out.
 *
 * The token is `v1.<nonce>.<issued at, unix seconds>.<signature>`, the signature an HMAC-SHA-256
 * with DEVICE_COOKIE_SECRET over the login name (the normalised e-mail), the account's current
 * password hash, the nonce and the time. The e-mail itself is not in the cookie: the login attempt
 * supplies it, so a token only verifies for the account it was issued for, and the cookie tells no
 * one which account that is. The password hash ties it to the password it was earned with: a
 * password change or reset makes every older cookie a stranger's, so someone who once knew the
 * password cannot keep a stack of cookies for guesses past the account's limit (ADR 0010). Nothing
 * is stored: the nonce names the device's own failure counter in `rate_limits`.
 */
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import { generateToken } from "../../lib/tokens";

/** Long-lived (it is renewed on every successful login); checked here too, since a stolen cookie ignores Max-Age. */
export const DEVICE_TOKEN_TTL_SECONDS = 180 * 24 * 60 * 60;

const VERSION = "v1";
const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string) {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

/** What is signed: a fixed label (so no other HMAC of ours can be replayed as one), then each part on its own line. */
function signedText(account: DeviceAccount, nonce: string, issuedAt: number) {
  return encoder.encode(`agentline device cookie ${VERSION}\n${account.email}\n${account.passwordHash}\n${nonce}\n${issuedAt}`);
}

/** Whose device it is: the normalised e-mail, and the password hash the browser proved it knew (or set). */
export interface DeviceAccount {
  email: string;
  passwordHash: string;
}

/** A fresh token for a browser that has just proved it knows the account's password (or owns its mailbox). */
export async function issueDeviceToken(secret: string, account: DeviceAccount, now = new Date()) {
  const nonce = generateToken(16);
  const issuedAt = Math.floor(now.getTime() / 1000);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", await hmacKey(secret), signedText(account, nonce, issuedAt)));
  return { token: [VERSION, nonce, issuedAt, encodeBase64urlNoPadding(signature)].join("."), expiresAt: new Date((issuedAt + DEVICE_TOKEN_TTL_SECONDS) * 1000) };
}

/**
 * The device's nonce when `token` is a genuine, unexpired token issued for this account under its
 * current password; otherwise null, and the attempt is a stranger's (malformed, forged, tampered,
 * expired, another account's, or from before a password change).
 */
export async function verifyDeviceToken(secret: string, token: string | undefined, account: DeviceAccount, now = new Date()): Promise<string | null> {
  const parts = token?.split(".") ?? [];
  if (parts.length !== 4) return null;
  const [version, nonce = "", issuedAtText = "", signatureText = ""] = parts;
  if (version !== VERSION || !/^[a-z2-7]{20,64}$/.test(nonce) || !/^\d{1,12}$/.test(issuedAtText)) return null;
  const issuedAt = Number(issuedAtText);
  const age = Math.floor(now.getTime() / 1000) - issuedAt;
  if (age < -60 || age > DEVICE_TOKEN_TTL_SECONDS) return null;
  let signature: Uint8Array;
  try {
    signature = decodeBase64urlIgnorePadding(signatureText);
  } catch {
    return null;
  }
  // subtle.verify compares in constant time.
  const genuine = await crypto.subtle.verify("HMAC", await hmacKey(secret), signature, signedText(account, nonce, issuedAt));
  return genuine ? nonce : null;
}
