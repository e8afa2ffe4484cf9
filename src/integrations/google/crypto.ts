/**
 * Google tokens at rest (docs/architecture.md §3): AES-256-GCM through Web Crypto, a fresh random 96-bit IV per
 * value, stored as base64url(iv ‖ ciphertext ‖ tag) with the key's version in `key_version`
 * beside it. The additional data binds a ciphertext to its user and field, so a value copied
 * into another row (or swapped between the refresh and access columns) fails to decrypt.
 *
 * Keys: GOOGLE_ENCRYPTION_KEY is version GOOGLE_ENCRYPTION_KEY_VERSION (default 1) and encrypts
 * every new value; during a rotation GOOGLE_ENCRYPTION_KEY_PREVIOUS is the version before it and
 * only decrypts, until every row is re-encrypted (a refresh does it; `reencryptGoogleTokens` does
 * the idle rows; docs/operations.md "Rotating secrets").
 */
import { decodeBase64urlIgnorePadding, decodeHex, encodeBase64urlNoPadding } from "@oslojs/encoding";

export const CURRENT_KEY_VERSION = 1;
const IV_BYTES = 12;

export interface TokenKeyring {
  version: number;
  keys: Map<number, CryptoKey>;
}

const keyrings = new Map<string, Promise<TokenKeyring>>();

/** A rotation in progress: the current key's version, and the key of the version before it. */
export interface KeyRotation {
  encryptionKeyVersion?: number;
  previousEncryptionKey?: string | undefined;
}

const importKey = (hex: string) =>
  crypto.subtle.importKey("raw", new Uint8Array(decodeHex(hex.toLowerCase())), { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);

/** The keyring for this configuration (imported once per isolate and keys). */
export function tokenKeyring(encryptionKeyHex: string, rotation: KeyRotation = {}): Promise<TokenKeyring> {
  const version = rotation.encryptionKeyVersion ?? CURRENT_KEY_VERSION;
  const previous = version > 1 ? rotation.previousEncryptionKey : undefined;
  const cacheKey = `${version}:${encryptionKeyHex}:${previous ?? ""}`;
  let keyring = keyrings.get(cacheKey);
  if (!keyring) {
    keyring = Promise.all([importKey(encryptionKeyHex), previous ? importKey(previous) : undefined]).then(([current, before]) => ({
      version,
      keys: new Map(before ? [[version - 1, before], [version, current]] : [[version, current]]),
    }));
    keyrings.set(cacheKey, keyring);
  }
  return keyring;
}

export type TokenField = "refresh_token" | "access_token";

const additionalData = (businessId: string, field: TokenField) => new TextEncoder().encode(`agentline:google:${businessId}:${field}`);

export async function encryptToken(keyring: TokenKeyring, businessId: string, field: TokenField, plaintext: string) {
  const key = keyring.keys.get(keyring.version);
  if (!key) throw new Error(`no encryption key version ${keyring.version}`);
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: additionalData(businessId, field) }, key, new TextEncoder().encode(plaintext)),
  );
  const out = new Uint8Array(IV_BYTES + sealed.length);
  out.set(iv);
  out.set(sealed, IV_BYTES);
  return { ciphertext: encodeBase64urlNoPadding(out), keyVersion: keyring.version };
}

export class TokenDecryptionError extends Error {
  override name = "TokenDecryptionError";
}

export async function decryptToken(keyring: TokenKeyring, keyVersion: number, businessId: string, field: TokenField, ciphertext: string) {
  const key = keyring.keys.get(keyVersion);
  if (!key) throw new TokenDecryptionError(`no key for version ${keyVersion}`);
  try {
    const bytes = decodeBase64urlIgnorePadding(ciphertext);
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: bytes.slice(0, IV_BYTES), additionalData: additionalData(businessId, field) },
      key,
      bytes.slice(IV_BYTES),
    );
    return new TextDecoder().decode(plain);
  } catch {
    throw new TokenDecryptionError(`the stored ${field} does not decrypt with key version ${keyVersion}`);
  }
}
