/**
 * A user's Google connection: its tokens stored encrypted, and a fresh access token on demand.
 *
 * Refresh happens shortly before expiry, at most once at a time per user across every isolate:
 * the refresher first takes a short lease on the row with one conditional UPDATE (compare-and-
 * swap on the lease and on the expiry it saw), so a second request finds the lease taken and
 * waits for the new token instead of refreshing too (docs/decisions/0301-google-token-refresh.md).
 * `invalid_grant` marks the connection `needs_reconnect`.
 */
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { googleConnections } from "../../db/schema";
import type { GoogleApiAccess } from "../../integrations/google/calendar";
import { decryptToken, encryptToken, tokenKeyring } from "../../integrations/google/crypto";
import { GoogleApiError } from "../../integrations/google/errors";
import { type GoogleSettings, refreshAccessToken } from "../../integrations/google/oauth";
import { type GoogleDeps, GoogleNotConnectedError } from "./results";

/** Refresh when the access token has less than this left. */
export const REFRESH_MARGIN_MS = 5 * 60_000;
/** How long a refresher may hold the lease before another may take over. */
export const REFRESH_LEASE_MS = 15_000;
/** How long a request waits for another's refresh before giving up. */
const WAIT_FOR_REFRESH_MS = 5_000;

export type Connection = typeof googleConnections.$inferSelect;

export async function loadConnection(deps: Pick<GoogleDeps, "db">, businessId: string): Promise<Connection | undefined> {
  const [row] = await connectionQuery(deps, businessId);
  return row;
}

/** The connection's row as a query, for a caller that batches it with its own. */
export const connectionQuery = (deps: Pick<GoogleDeps, "db">, businessId: string) => deps.db.select().from(googleConnections).where(eq(googleConnections.businessId, businessId)).limit(1);

/** Stores a fresh connection's tokens, encrypted, replacing any earlier connection of the user. */
export async function saveConnection(
  deps: GoogleDeps,
  businessId: string,
  input: { email: string; scopes: string[]; refreshToken: string; accessToken: string; expiresInMs: number },
) {
  const settings = deps.google();
  const keyring = await tokenKeyring(settings.encryptionKey, settings);
  const refresh = await encryptToken(keyring, businessId, "refresh_token", input.refreshToken);
  const access = await encryptToken(keyring, businessId, "access_token", input.accessToken);
  const now = deps.now();
  const values = {
    googleEmail: input.email,
    scopes: input.scopes,
    refreshTokenCiphertext: refresh.ciphertext,
    accessTokenCiphertext: access.ciphertext,
    keyVersion: keyring.version,
    accessTokenExpiresAt: new Date(now.getTime() + input.expiresInMs),
    status: "ok" as const,
    refreshLeaseId: null,
    refreshLeaseUntil: null,
    updatedAt: now,
  };
  const [row] = await deps.db
    .insert(googleConnections)
    .values({ businessId, ...values })
    .onConflictDoUpdate({ target: googleConnections.businessId, set: values })
    .returning();
  if (!row) throw new Error("google connection upsert returned nothing");
  return row;
}

export async function markNeedsReconnect(deps: Pick<GoogleDeps, "db" | "now" | "logger">, businessId: string, why: string) {
  deps.logger.warn("google connection needs reconnecting", { businessId, why });
  await deps.db
    .update(googleConnections)
    .set({ status: "needs_reconnect", accessTokenCiphertext: null, accessTokenExpiresAt: null, refreshLeaseId: null, refreshLeaseUntil: null, updatedAt: deps.now() })
    .where(eq(googleConnections.businessId, businessId));
}

const usable = (row: Connection, now: Date) =>
  row.accessTokenCiphertext !== null && row.accessTokenExpiresAt !== null && row.accessTokenExpiresAt.getTime() - now.getTime() > REFRESH_MARGIN_MS;
const unexpired = (row: Connection, now: Date) =>
  row.accessTokenCiphertext !== null && row.accessTokenExpiresAt !== null && row.accessTokenExpiresAt.getTime() > now.getTime() + 10_000;

export interface GoogleAccess extends GoogleApiAccess {
  connection: Connection;
  settings: GoogleSettings;
}

/**
 * An access token for the user's Google account, refreshed when it is about to expire. Throws
 * GoogleNotConnectedError when there is no usable connection, GoogleApiError when Google fails.
 * A token from our cache can be renewed once: when Calendar or Sheets answer it with 401 (the
 * owner revoked us, or Google rotated it), the request refreshes it under the same lease and is
 * made again; a refused refresh marks the connection needs_reconnect. The refresh and the retry
 * share the caller's signal, so they fit in the same deadline.
 */
export async function googleAccess(deps: GoogleDeps, businessId: string, signal?: AbortSignal, preloaded?: Connection | null): Promise<GoogleAccess> {
  const { access, cached } = await acquire(deps, businessId, signal, undefined, preloaded);
  if (!cached) return access;
  let renewal: Promise<void> | undefined;
  const rejected = access.connection.accessTokenCiphertext;
  access.renew = () => {
    renewal ??= acquire(deps, businessId, signal, rejected).then(({ access: renewed }) => {
      access.accessToken = renewed.accessToken;
      access.connection = renewed.connection;
    });
    return renewal;
  };
  return access;
}

/** The current token, or a refreshed one; never the `rejected` ciphertext (Google answered it 401). */
/**
 * `preloaded`: the connection row as the caller already read it in a batch with its own query
 * (availability reads the in-flight holds with it: one round trip, not two); null when that read
 * found none. Later attempts read the row again.
 */
async function acquire(deps: GoogleDeps, businessId: string, signal?: AbortSignal, rejected?: string | null, preloaded?: Connection | null): Promise<{ access: GoogleAccess; cached: boolean }> {
  const settings = deps.google();
  const keyring = await tokenKeyring(settings.encryptionKey, settings);
  const started = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    const row = attempt === 0 && preloaded !== undefined ? (preloaded ?? undefined) : await loadConnection(deps, businessId);
    if (!row) throw new GoogleNotConnectedError("missing");
    if (row.status !== "ok" || !row.refreshTokenCiphertext) throw new GoogleNotConnectedError("needs_reconnect");
    const now = deps.now();
    const grant = async (ciphertext: string, current: Connection, cached: boolean) => ({
      access: {
        accessToken: await decryptToken(keyring, current.keyVersion, businessId, "access_token", ciphertext),
        apiBaseUrl: settings.apiBaseUrl,
        signal,
        connection: current,
        settings,
      } satisfies GoogleAccess,
      cached,
    });
    const fresh = row.accessTokenCiphertext !== rejected;
    if (fresh && usable(row, now)) return grant(row.accessTokenCiphertext as string, row, true);

    const leased = await takeLease(deps, row, now);
    if (leased) return grant(...(await refreshUnderLease(deps, settings, leased, signal)), false);

    // Another request is refreshing. A token with a little life left is good enough meanwhile.
    if (fresh && unexpired(row, now)) return grant(row.accessTokenCiphertext as string, row, true);
    if (Date.now() - started > WAIT_FOR_REFRESH_MS || signal?.aborted) throw new GoogleApiError("timeout", "another refresh of this Google token did not finish in time");
    await sleep(Math.min(1000, 50 * 2 ** attempt), signal);
  }
}

/** Takes the refresh lease if nobody holds it and the row is as we saw it; the leased row or null. */
async function takeLease(deps: GoogleDeps, seen: Connection, now: Date) {
  const leaseId = crypto.randomUUID();
  const [row] = await deps.db
    .update(googleConnections)
    .set({ refreshLeaseId: leaseId, refreshLeaseUntil: new Date(now.getTime() + REFRESH_LEASE_MS) })
    .where(
      and(
        eq(googleConnections.id, seen.id),
        eq(googleConnections.status, "ok"),
        or(isNull(googleConnections.refreshLeaseUntil), lt(googleConnections.refreshLeaseUntil, now)),
        seen.accessTokenExpiresAt ? eq(googleConnections.accessTokenExpiresAt, seen.accessTokenExpiresAt) : isNull(googleConnections.accessTokenExpiresAt),
      ),
    )
    .returning();
  return row ? { row, leaseId } : null;
}

async function refreshUnderLease(
  deps: GoogleDeps,
  settings: GoogleSettings,
  { row, leaseId }: { row: Connection; leaseId: string },
  signal?: AbortSignal,
): Promise<[string, Connection]> {
  const keyring = await tokenKeyring(settings.encryptionKey, settings);
  const release = () =>
    deps.db
      .update(googleConnections)
      .set({ refreshLeaseId: null, refreshLeaseUntil: null })
      .where(and(eq(googleConnections.id, row.id), eq(googleConnections.refreshLeaseId, leaseId)));
  let issued: Awaited<ReturnType<typeof refreshAccessToken>>;
  try {
    const refreshToken = await decryptToken(keyring, row.keyVersion, row.businessId, "refresh_token", row.refreshTokenCiphertext as string);
    issued = await refreshAccessToken(settings, refreshToken, signal);
    // Old rows are re-encrypted with the current key as they are refreshed.
    const reencrypted = row.keyVersion !== keyring.version || issued.refreshToken ? await encryptToken(keyring, row.businessId, "refresh_token", issued.refreshToken ?? refreshToken) : null;
    const access = await encryptToken(keyring, row.businessId, "access_token", issued.accessToken);
    const [updated] = await deps.db
      .update(googleConnections)
      .set({
        accessTokenCiphertext: access.ciphertext,
        accessTokenExpiresAt: new Date(deps.now().getTime() + issued.expiresInMs),
        keyVersion: keyring.version,
        ...(reencrypted ? { refreshTokenCiphertext: reencrypted.ciphertext } : {}),
        refreshLeaseId: null,
        refreshLeaseUntil: null,
        updatedAt: deps.now(),
      })
      .where(and(eq(googleConnections.id, row.id), eq(googleConnections.refreshLeaseId, leaseId)))
      .returning();
    // Lost the lease (we were too slow and someone else took over): our token is still valid.
    return [access.ciphertext, updated ?? { ...row, accessTokenCiphertext: access.ciphertext, keyVersion: keyring.version }];
  } catch (error) {
    if (error instanceof GoogleApiError && error.kind === "invalid_grant") {
      await markNeedsReconnect(deps, row.businessId, "refresh token rejected (invalid_grant)");
      throw new GoogleNotConnectedError("needs_reconnect");
    }
    await release().catch(() => undefined);
    throw error;
  }
}

function sleep(ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
