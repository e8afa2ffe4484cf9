/**
 * Connecting and disconnecting a user's Google account (docs/architecture.md §6): the OAuth web flow with a
 * random, single-use, 10-minute `state` bound to the session that started it (only its SHA-256
 * is stored, in oauth_states) and PKCE S256; the callback's every way of failing ends as a
 * reason the integrations page can explain.
 */
import { and, eq, gt, isNull, lt, or, sql } from "drizzle-orm";
import { googleConnections, memberships, oauthStates } from "../../db/schema";
import { decryptToken, tokenKeyring } from "../../integrations/google/crypto";
import { GoogleApiError } from "../../integrations/google/errors";
import { consentUrl, deadline, exchangeCode, fetchAccountEmail, REQUIRED_SCOPES, revokeToken } from "../../integrations/google/oauth";
import { generateToken, hashToken } from "../../lib/tokens";
import { validateSessionToken } from "../identity/sessions";
import { loadConnection, saveConnection } from "./connection";
import type { GoogleDeps } from "./results";
import { ensureSpreadsheet } from "./sheets-log";

export const STATE_TTL_MS = 10 * 60_000;
const CONNECT_TIMEOUT_MS = 15_000;

/** Why a connection attempt ended without a connection (the `reason` of /integrations?google=error). */
export type ConnectFailure = "access_denied" | "invalid_state" | "missing_refresh_token" | "missing_scopes" | "google_error";

/**
 * Google's redirect back to us. 503 `service_not_configured` unless Google's client and encryption
 * key are set, checked before the session is read, so a server without Google says so to
 * everyone; then the browser's session (its cookie's token) must be live and the state its own.
 */
export async function completeConnectForSession(
  deps: GoogleDeps,
  sessionToken: string | undefined,
  query: { state?: string; code?: string; error?: string },
): Promise<{ ok: true; email: string } | { ok: false; reason: ConnectFailure | "signed_out" }> {
  deps.google();
  const session = sessionToken ? await validateSessionToken(deps.db, sessionToken) : null;
  if (!session) return { ok: false, reason: "signed_out" };
  return completeConnect(deps, { sessionId: session.session.id }, query);
}

/** The consent screen's URL for this session; the state and PKCE verifier are kept until the callback. */
export async function startConnect(deps: GoogleDeps, who: { userId: string; businessId: string; sessionId: string }): Promise<string> {
  const settings = deps.google();
  const state = generateToken();
  const { url, codeVerifier } = await consentUrl(settings, state);
  const now = deps.now();
  // Expired states of anyone go; a user has few live ones at a time.
  await deps.db.delete(oauthStates).where(or(lt(oauthStates.expiresAt, now), and(eq(oauthStates.businessId, who.businessId), lt(oauthStates.createdAt, new Date(now.getTime() - STATE_TTL_MS)))));
  await deps.db.insert(oauthStates).values({
    id: hashToken(state),
    userId: who.userId,
    businessId: who.businessId,
    sessionId: who.sessionId,
    codeVerifier,
    expiresAt: new Date(now.getTime() + STATE_TTL_MS),
    createdAt: now,
  });
  return url;
}

/**
 * Spends the state if it is live, was made by this session and its person may still connect
 * Google for that business (an owner or admin there, docs/architecture.md §7c); its business and
 * verifier, or null.
 */
async function consumeState(deps: GoogleDeps, state: string, sessionId: string) {
  const now = deps.now();
  const [row] = await deps.db
    .update(oauthStates)
    .set({ usedAt: now })
    .where(
      and(
        eq(oauthStates.id, hashToken(state)),
        eq(oauthStates.sessionId, sessionId),
        isNull(oauthStates.usedAt),
        gt(oauthStates.expiresAt, now),
        sql`exists (select 1 from ${memberships} m where m.user_id = ${oauthStates.userId} and m.business_id = ${oauthStates.businessId} and m.role in ('owner', 'admin'))`,
      ),
    )
    .returning({ businessId: oauthStates.businessId, codeVerifier: oauthStates.codeVerifier });
  return row ?? null;
}

async function completeConnect(
  deps: GoogleDeps,
  who: { sessionId: string },
  query: { state?: string; code?: string; error?: string },
): Promise<{ ok: true; email: string } | { ok: false; reason: ConnectFailure }> {
  const settings = deps.google();
  const consumed = query.state ? await consumeState(deps, query.state, who.sessionId) : null;
  if (!consumed) return { ok: false, reason: "invalid_state" };
  if (query.error || !query.code) return { ok: false, reason: "access_denied" };
  const signal = deadline(CONNECT_TIMEOUT_MS);
  try {
    const issued = await exchangeCode(settings, query.code, consumed.codeVerifier, signal);
    const previous = await loadConnection(deps, consumed.businessId);
    if (REQUIRED_SCOPES.some((scope) => !issued.scopes.includes(scope))) {
      // The partial grant is dropped, unless a connection we keep may share it (same account:
      // revoking would end that one too, ADR 0300).
      if (!previous?.refreshTokenCiphertext) await revokeToken(settings, issued.refreshToken ?? issued.accessToken, signal).catch(() => undefined);
      return { ok: false, reason: "missing_scopes" };
    }
    if (!issued.refreshToken) return { ok: false, reason: "missing_refresh_token" };
    const email = await fetchAccountEmail(settings, issued.accessToken, signal);
    const connection = await saveConnection(deps, consumed.businessId, { email, scopes: issued.scopes, refreshToken: issued.refreshToken, accessToken: issued.accessToken, expiresInMs: issued.expiresInMs });
    // Google keeps one grant per account and client, and revoking any token of it ends all of
    // it (ADR 0300): the old token of the same account is the new token's grant, so it is left
    // alone. Only a grant of another account, which this connection no longer uses, is revoked.
    if (previous?.refreshTokenCiphertext && !sameAccount(previous.googleEmail, email)) {
      await revokeStored(deps, previous, issued.refreshToken).catch(() => undefined);
    }
    // The call log's spreadsheet is made now; if Google fails here the queue makes it later.
    await ensureSpreadsheet(deps, connection, { accessToken: issued.accessToken, apiBaseUrl: settings.apiBaseUrl, signal }).catch((error: unknown) =>
      deps.logger.warn("call log spreadsheet not created on connect; the queue will retry", { error: error instanceof Error ? error.message : String(error) }),
    );
    return { ok: true, email };
  } catch (error) {
    if (error instanceof GoogleApiError) {
      deps.logger.warn("google connect failed", { kind: error.kind, status: error.status, error: error.message });
      return { ok: false, reason: "google_error" };
    }
    throw error;
  }
}

/** Google e-mail addresses compare without case. */
function sameAccount(stored: string | null, email: string): boolean {
  return stored !== null && stored.trim().toLowerCase() === email.trim().toLowerCase();
}

async function revokeStored(deps: GoogleDeps, row: NonNullable<Awaited<ReturnType<typeof loadConnection>>>, keep?: string) {
  const settings = deps.google();
  const keyring = await tokenKeyring(settings.encryptionKey, settings);
  const token = await decryptToken(keyring, row.keyVersion, row.businessId, "refresh_token", row.refreshTokenCiphertext as string);
  if (token !== keep) await revokeToken(settings, token, deadline(CONNECT_TIMEOUT_MS));
}

/** Revokes the grant at Google (a token Google already forgot is fine) and deletes the row. */
export async function disconnect(deps: GoogleDeps, businessId: string): Promise<void> {
  const row = await loadConnection(deps, businessId);
  if (!row) return;
  if (row.refreshTokenCiphertext) {
    await revokeStored(deps, row).catch((error: unknown) => {
      // The row goes anyway: the owner asked to disconnect, and Google forgets unused grants.
      deps.logger.warn("google token not revoked on disconnect", { kind: error instanceof GoogleApiError ? error.kind : "error", error: error instanceof Error ? error.message : String(error) });
    });
  }
  await deps.db.delete(googleConnections).where(eq(googleConnections.id, row.id));
}

/** Google failures that a later try may get past: the business's deletion waits and tries again. */
const PASSING_FAILURES = new Set(["timeout", "unavailable", "rate_limited"]);

/**
 * For a business's deletion (ADR 1110): revokes the grant and deletes the row, like disconnect,
 * but a passing failure at Google (timeout, 5xx, 429) throws and keeps the row, so the deletion
 * job retries it later; a token Google no longer knows (any other answer) counts as revoked.
 */
export async function revokeForDeletion(deps: GoogleDeps, businessId: string): Promise<"revoked" | "none"> {
  const row = await loadConnection(deps, businessId);
  if (!row) return "none";
  if (row.refreshTokenCiphertext) {
    try {
      await revokeStored(deps, row);
    } catch (error) {
      if (error instanceof GoogleApiError && PASSING_FAILURES.has(error.kind)) throw error;
      deps.logger.warn("google token not revoked on business deletion; the row goes", { kind: error instanceof GoogleApiError ? error.kind : "error" });
    }
  }
  await deps.db.delete(googleConnections).where(eq(googleConnections.id, row.id));
  return "revoked";
}
