/**
 * Opaque secret tokens (sessions, password resets, OAuth state): 160+ random bits encoded
 * for URLs and cookies; only their SHA-256 is ever stored (Lucia's session guide).
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";

/** 25 bytes = 200 bits, base32 so it survives cookies, URLs and email clients unescaped. */
export function generateToken(bytes = 25): string {
  const random = new Uint8Array(bytes);
  crypto.getRandomValues(random);
  return encodeBase32LowerCaseNoPadding(random);
}

export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
