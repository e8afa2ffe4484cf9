/** What the Google stand-in's parts share: Google's API error body, ids, the bearer-token check. */
import { randomBytes } from "node:crypto";

/**
 * @typedef {{ sub: string, email: string, name: string }} Account
 * @typedef {{ accounts: Account[], codes: Record<string, any>, refreshTokens: Record<string, any>,
 *   accessTokens: Record<string, any>, calendars: Record<string, { events: Record<string, any>, owner?: string, summary?: string }>,
 *   spreadsheets: Record<string, any> }} GoogleState
 */

/** Google's JSON error body for the REST APIs. */
export function apiError(code, message, reason, status) {
  return { status: code, json: { error: { code, message, errors: [{ message, domain: "global", reason }], status } } };
}

export const randomId = (bytes = 16) => randomBytes(bytes).toString("hex");

/**
 * Wraps an API handler: the bearer access token must be one the token endpoint issued, unexpired
 * and unrevoked, and carry one of `scopes`.
 * @param {GoogleState} state
 */
export function withAccessToken(state, scopes, handle) {
  return (req) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const grant = token ? state.accessTokens[token] : undefined;
    if (!grant || grant.expiresAt < Date.now()) {
      return apiError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.", "authError", "UNAUTHENTICATED");
    }
    if (!scopes.some((scope) => grant.scopes.includes(scope))) {
      return apiError(403, "Request had insufficient authentication scopes.", "insufficientPermissions", "PERMISSION_DENIED");
    }
    const account = state.accounts.find((a) => a.sub === grant.sub);
    return handle(req, /** @type {Account} */ (account));
  };
}

