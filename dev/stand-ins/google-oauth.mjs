/**
 * Google's OAuth 2.0 endpoints for a web server app, as the stand-in serves them:
 *
 *   GET  /o/oauth2/v2/auth            the consent page: the sandbox account (or the one `login_hint` names,
 *                                     made on first use), the scopes, Allow and Deny
 *   POST /o/oauth2/v2/auth/decision   the page's buttons: redirect to redirect_uri with ?code&state&scope
 *                                     (Allow) or ?error=access_denied&state (Deny)
 *   POST /token                       grant_type=authorization_code (client secret, redirect_uri and the
 *                                     PKCE S256 verifier checked; codes single-use, 10 minutes) or
 *                                     grant_type=refresh_token; errors `{error, error_description}`
 *   POST /revoke                      ?token= or form token=; ends the whole grant the token belongs to:
 *                                     every refresh and access token of that account for this client
 *                                     (Google: revoking one token removes the app's access; RFC 7009
 *                                     §2.1 "other tokens based on the same authorization grant"). A
 *                                     second consent while a grant is live joins that grant, so
 *                                     revoking an old refresh token also ends a newer one.
 *   GET  /v1/userinfo                 OpenID Connect userinfo for the bearer token
 */
import { createHash } from "node:crypto";
import { randomId } from "./google-common.mjs";

const CODE_TTL_MS = 10 * 60 * 1000;
const ACCESS_TOKEN_SECONDS = 3599;

const oauthError = (status, error, description) => ({ status, json: { error, error_description: description } });

/** @param {import("./google-common.mjs").GoogleState} state @param {{ clientId: string, clientSecret: string }} client */
export function oauthRoutes(state, client) {
  /** The account signing in: the one `login_hint` (an e-mail) names, made on first use, else the sandbox's. */
  function accountFor(loginHint) {
    if (typeof loginHint !== "string" || !loginHint.includes("@")) return state.accounts[0];
    const email = loginHint.trim().toLowerCase();
    let account = state.accounts.find((a) => a.email === email);
    if (!account) {
      account = { sub: `1042${createHash("sha256").update(email).digest("hex").replace(/\D/g, "").padEnd(17, "0").slice(0, 17)}`, email, name: email.split("@")[0] };
      state.accounts.push(account);
    }
    return account;
  }

  function consentPage(req) {
    const q = req.query;
    if (q.client_id !== client.clientId) return { status: 401, html: page("Error 401: invalid_client", "<p>The OAuth client was not found.</p>") };
    if (q.response_type !== "code" || !q.redirect_uri || !q.scope) {
      return { status: 400, html: page("Error 400: invalid_request", "<p>Required parameter is missing: response_type, redirect_uri or scope.</p>") };
    }
    if (q.code_challenge && q.code_challenge_method !== "S256") {
      return { status: 400, html: page("Error 400: invalid_request", "<p>Invalid code_challenge_method.</p>") };
    }
    const account = accountFor(q.login_hint);
    const hidden = Object.entries(q).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join("");
    const scopes = String(q.scope).split(" ").map((scope) => `<li>${escapeHtml(scope)}</li>`).join("");
    return {
      html: page(
        "Sign in with Google (sandbox)",
        `<p><strong>Agentline</strong> wants to access your Google Account <strong>${escapeHtml(account.email)}</strong>:</p><ul>${scopes}</ul>
<form method="post" action="/o/oauth2/v2/auth/decision">${hidden}
<button name="decision" value="deny" type="submit">Deny</button>
<button name="decision" value="allow" type="submit">Allow</button></form>`,
      ),
    };
  }

  function decide(req) {
    const form = /** @type {Record<string, string>} */ (req.body ?? {});
    if (form.client_id !== client.clientId || !form.redirect_uri) return { status: 400, html: page("Error 400: invalid_request", "") };
    const target = new URL(form.redirect_uri);
    if (form.decision !== "allow") {
      target.searchParams.set("error", "access_denied");
    } else {
      const code = `4/0${randomId(24)}`;
      state.codes[code] = {
        sub: accountFor(form.login_hint).sub,
        redirectUri: form.redirect_uri,
        scopes: String(form.scope).split(" "),
        codeChallenge: form.code_challenge ?? null,
        expiresAt: Date.now() + CODE_TTL_MS,
        accessType: form.access_type ?? "online",
      };
      target.searchParams.set("code", code);
      target.searchParams.set("scope", form.scope);
    }
    if (form.state !== undefined) target.searchParams.set("state", form.state);
    return { status: 302, headers: { location: target.toString() }, text: "" };
  }

  function issueAccessToken(sub, scopes, refreshToken) {
    const accessToken = `ya29.${randomId(32)}`;
    state.accessTokens[accessToken] = { sub, scopes, refreshToken, expiresAt: Date.now() + ACCESS_TOKEN_SECONDS * 1000 };
    return accessToken;
  }

  function token(req) {
    const form = /** @type {Record<string, string>} */ (req.body ?? {});
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, "base64").toString().split(":") : [];
    const clientId = form.client_id ?? basicId;
    const clientSecret = form.client_secret ?? basicSecret;
    if (clientId !== client.clientId || clientSecret !== client.clientSecret) return oauthError(401, "invalid_client", "Unauthorized");
    if (form.grant_type === "authorization_code") {
      const grant = state.codes[form.code];
      delete state.codes[form.code];
      if (!grant || grant.expiresAt < Date.now()) return oauthError(400, "invalid_grant", "Malformed auth code.");
      if (grant.redirectUri !== form.redirect_uri) return oauthError(400, "redirect_uri_mismatch", "Bad Request");
      if (grant.codeChallenge) {
        const expected = form.code_verifier ? createHash("sha256").update(form.code_verifier).digest("base64url") : null;
        if (expected !== grant.codeChallenge) return oauthError(400, "invalid_grant", "Invalid code verifier.");
      }
      const refreshToken = grant.accessType === "offline" ? `1//0${randomId(32)}` : undefined;
      if (refreshToken) state.refreshTokens[refreshToken] = { sub: grant.sub, scopes: grant.scopes, revoked: false };
      const accessToken = issueAccessToken(grant.sub, grant.scopes, refreshToken);
      return {
        json: {
          access_token: accessToken,
          expires_in: ACCESS_TOKEN_SECONDS,
          ...(refreshToken ? { refresh_token: refreshToken } : {}),
          scope: grant.scopes.join(" "),
          token_type: "Bearer",
        },
      };
    }
    if (form.grant_type === "refresh_token") {
      const grant = state.refreshTokens[form.refresh_token];
      if (!grant || grant.revoked) return oauthError(400, "invalid_grant", "Token has been expired or revoked.");
      const accessToken = issueAccessToken(grant.sub, grant.scopes, form.refresh_token);
      return { json: { access_token: accessToken, expires_in: ACCESS_TOKEN_SECONDS, scope: grant.scopes.join(" "), token_type: "Bearer" } };
    }
    return oauthError(400, "unsupported_grant_type", `Invalid grant_type: ${form.grant_type ?? ""}`);
  }

  /** Ends the account's grant to this client: every refresh token revoked, every access token gone. */
  function revoke(req) {
    const form = /** @type {Record<string, string>} */ (typeof req.body === "object" && req.body ? req.body : {});
    const value = req.query.token ?? form.token;
    const refresh = state.refreshTokens[value];
    const access = state.accessTokens[value];
    if ((!refresh || refresh.revoked) && !access) return oauthError(400, "invalid_token", "Token expired or revoked");
    const sub = refresh ? refresh.sub : access.sub;
    for (const grant of Object.values(state.refreshTokens)) {
      if (grant.sub === sub) grant.revoked = true;
    }
    for (const [key, grant] of Object.entries(state.accessTokens)) {
      if (grant.sub === sub) delete state.accessTokens[key];
    }
    return { json: {} };
  }

  function userinfo(req) {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const grant = token ? state.accessTokens[token] : undefined;
    if (!grant || grant.expiresAt < Date.now()) return oauthError(401, "invalid_request", "Invalid Credentials");
    const account = state.accounts.find((a) => a.sub === grant.sub);
    return { json: { sub: account?.sub, name: account?.name, email: account?.email, email_verified: true } };
  }

  return [
    { method: "GET", path: "/o/oauth2/v2/auth", handle: consentPage },
    { method: "POST", path: "/o/oauth2/v2/auth/decision", handle: decide },
    { method: "POST", path: "/token", handle: token },
    { method: "POST", path: "/revoke", handle: revoke },
    { method: "GET", path: "/v1/userinfo", handle: userinfo },
  ];
}

function page(title, body) {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}
