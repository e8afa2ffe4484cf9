/**
 * Password hashing with scrypt from node:crypto (docs/architecture.md §13): N=2^15, r=8, p=1, a 16-byte
 * salt, a 32-byte key. The parameters are stored with the hash —
 * `scrypt$<N>$<r>$<p>$<salt b64>$<key b64>` — so they can be raised later and old hashes
 * upgraded at the next successful sign-in.
 *
 * node:crypto is imported on first use: a top-level import makes workerd build its Node
 * streams and process polyfills at startup, ~24 ms of the 50 ms budget, for every isolate
 * including those that never see a password (docs/decisions/0900-startup-budget.md).
 */
let nodeCrypto: Promise<typeof import("node:crypto")> | undefined;
const loadNodeCrypto = () => (nodeCrypto ??= import("node:crypto"));

export { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../lib/schemas";

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export const CURRENT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
const SALT_BYTES = 16;
const KEY_BYTES = 32;

async function derive(password: string, salt: Buffer, params: ScryptParams, keyLength: number): Promise<Buffer> {
  const { scrypt } = await loadNodeCrypto();
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; the default 32 MiB cap is exactly N=2^15 and leaves no slack.
    const maxmem = 256 * params.N * params.r;
    scrypt(password.normalize("NFKC"), salt, keyLength, { N: params.N, r: params.r, p: params.p, maxmem }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, params: ScryptParams = CURRENT_PARAMS): Promise<string> {
  const salt = (await loadNodeCrypto()).randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params, KEY_BYTES);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64"), key.toString("base64")].join("$");
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | null {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return null;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((value) => Number.isInteger(value) && value > 0)) return null;
  return { params: { N, r, p }, salt: Buffer.from(parts[4] ?? "", "base64"), key: Buffer.from(parts[5] ?? "", "base64") };
}

/** Constant-time check; a malformed stored hash simply does not match. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || parsed.key.length === 0) {
    await derive(password, (await loadNodeCrypto()).randomBytes(SALT_BYTES), CURRENT_PARAMS, KEY_BYTES);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
  return (await loadNodeCrypto()).timingSafeEqual(key, parsed.key);
}

/** True when the hash was made with weaker parameters than today's. */
export function needsRehash(stored: string, params: ScryptParams = CURRENT_PARAMS): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.params.N < params.N || parsed.params.r < params.r || parsed.params.p < params.p;
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same work as a real check when there is no account to check against, so the
 * answer time does not tell whether an email is registered.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("agentline-dummy-password");
  await verifyPassword(password, await dummyHash);
  return false;
}
