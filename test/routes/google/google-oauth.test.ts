import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { googleConnections, oauthStates } from "../../../src/db/schema";
import { decryptToken, tokenKeyring } from "../../../src/integrations/google/crypto";
import { hashToken } from "../../../src/lib/tokens";
import { signUp } from "../../support/accounts";
import { expectConsoleError } from "../../support/console-trap";
import { db } from "../../support/db";
import { envWith } from "../../support/env";
import { config, connectionRow, google, issueTokens, SCOPES } from "../../support/google";
import { call, errorOf } from "../../support/http";
import { googleOAuthError } from "../../support/vendor-errors";

/** GET /api/auth/google as the signed-in browser: the consent URL it was sent to. */
async function begin(cookie: string) {
  const response = await call("/api/auth/google", { cookie, redirect: "manual" });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location") as string);
}

/** The stand-in's consent page, Allow or Deny clicked, as a browser submits its form. */
async function consent(consentUrl: URL, decision: "allow" | "deny", scope?: string) {
  const page = await fetch(consentUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain("Allow");
  expect(html).toContain("Deny");
  const form = new URLSearchParams([...consentUrl.searchParams, ["decision", decision]]);
  if (scope) form.set("scope", scope);
  const answer = await fetch(`${google.url}/o/oauth2/v2/auth/decision`, { method: "POST", redirect: "manual", body: form, headers: { "content-type": "application/x-www-form-urlencoded" } });
  return new URL(answer.headers.get("location") as string);
}

/** Follows Google's redirect back to our callback with a session cookie. */
async function callback(redirect: URL, cookie?: string) {
  const response = await call(`${redirect.pathname}${redirect.search}`, { cookie, redirect: "manual" });
  expect(response.status).toBe(302);
  return new URL(response.headers.get("location") as string);
}

/** Consent as a given Google account (the stand-in's `login_hint`), so this test's grant is its own. */
async function consentAs(cookie: string, email: string, scope?: string) {
  const consentUrl = await begin(cookie);
  consentUrl.searchParams.set("login_hint", email);
  return callback(await consent(consentUrl, "allow", scope), cookie);
}

/** The refresh token we keep for the user, decrypted. */
async function storedRefreshToken(businessId: string): Promise<string> {
  const [row] = await db.select().from(googleConnections).where(eq(googleConnections.businessId, businessId));
  const keyring = await tokenKeyring(config.GOOGLE_ENCRYPTION_KEY as string);
  return decryptToken(keyring, row?.keyVersion ?? 1, businessId, "refresh_token", row?.refreshTokenCiphertext as string);
}

/** What Google's token endpoint answers a refresh with that token. */
async function refreshWith(refreshToken: string): Promise<number> {
  const response = await fetch(`${google.url}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: config.GOOGLE_CLIENT_ID as string, client_secret: config.GOOGLE_CLIENT_SECRET as string }),
  });
  return response.status;
}

describe("reconnecting Google (one grant per account and client: revoking any token ends it all)", () => {
  it("with the same account, the old token is not revoked, so the new grant keeps working", async () => {
    const { cookie, businessId } = await signUp();
    const email = `same-${crypto.randomUUID().slice(0, 8)}@example.test`;
    expect((await consentAs(cookie, email)).searchParams.get("google")).toBe("connected");
    const first = await storedRefreshToken(businessId);
    const mark = await google.mark();
    expect((await consentAs(cookie, email)).searchParams.get("google")).toBe("connected");
    const second = await storedRefreshToken(businessId);
    expect(second).not.toBe(first);
    expect((await google.requests(mark)).filter((r) => r.path === "/revoke")).toEqual([]);
    expect(await refreshWith(second)).toBe(200);
    expect(await connectionRow(businessId)).toMatchObject({ googleEmail: email, status: "ok" });
  });

  it("with another account, the old account's grant is revoked and the new one works", async () => {
    const { cookie, businessId } = await signUp();
    const before = `before-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const after = `after-${crypto.randomUUID().slice(0, 8)}@example.test`;
    await consentAs(cookie, before);
    const old = await storedRefreshToken(businessId);
    const mark = await google.mark();
    expect((await consentAs(cookie, after)).searchParams.get("google")).toBe("connected");
    const revokes = (await google.requests(mark)).filter((r) => r.path === "/revoke");
    expect(revokes.map((r) => r.query.token ?? (r.body as { token?: string } | undefined)?.token)).toEqual([old]);
    expect(await refreshWith(old)).toBe(400);
    expect(await refreshWith(await storedRefreshToken(businessId))).toBe(200);
    expect(await connectionRow(businessId)).toMatchObject({ googleEmail: after, status: "ok" });
  });

  it("a reconnect that comes back without the scopes leaves the working connection's grant alone", async () => {
    const { cookie, businessId } = await signUp();
    const email = `partial-${crypto.randomUUID().slice(0, 8)}@example.test`;
    await consentAs(cookie, email);
    const working = await storedRefreshToken(businessId);
    expect((await consentAs(cookie, email, "openid email")).searchParams.get("reason")).toBe("missing_scopes");
    expect(await storedRefreshToken(businessId)).toBe(working);
    expect(await refreshWith(working)).toBe(200);
  });

  it("the stand-in models Google: revoking an older token of an account also ends the newer one", async () => {
    const email = `grant-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const older = (await issueTokens(SCOPES, email)).refreshToken;
    const newer = (await issueTokens(SCOPES, email)).refreshToken;
    const otherAccount = (await issueTokens(SCOPES, `other-${email}`)).refreshToken;
    expect((await fetch(`${google.url}/revoke?token=${encodeURIComponent(older)}`, { method: "POST" })).status).toBe(200);
    expect(await refreshWith(newer)).toBe(400);
    expect(await refreshWith(otherAccount)).toBe(200);
  });
});

describe("connecting Google", () => {
  it("runs the OAuth flow end to end: consent with PKCE and state, tokens stored encrypted, call log made, /api/me reports it", async () => {
    const { cookie, businessId } = await signUp();
    const consentUrl = await begin(cookie);
    expect(consentUrl.origin).toBe(google.url);
    expect(consentUrl.pathname).toBe("/o/oauth2/v2/auth");
    const params = Object.fromEntries(consentUrl.searchParams);
    expect(params).toMatchObject({ access_type: "offline", prompt: "consent", response_type: "code", code_challenge_method: "S256", redirect_uri: "http://127.0.0.1:8787/api/auth/google/callback" });
    expect(params.scope?.split(" ")).toEqual(expect.arrayContaining(SCOPES.split(" ")));
    expect(params.state?.length).toBeGreaterThanOrEqual(32);
    // Only the state's hash is stored.
    expect(await db.select().from(oauthStates).where(eq(oauthStates.id, params.state as string))).toHaveLength(0);
    expect(await db.select().from(oauthStates).where(eq(oauthStates.id, hashToken(params.state as string)))).toHaveLength(1);

    const mark = await google.mark();
    const landing = await callback(await consent(consentUrl, "allow"), cookie);
    expect(landing.toString()).toBe("http://127.0.0.1:8787/integrations?google=connected");
    const sent = await google.requests(mark);
    const exchange = sent.find((r) => r.path === "/token");
    expect(exchange?.body).toMatchObject({ grant_type: "authorization_code", code_verifier: expect.stringMatching(/^[A-Za-z0-9._~-]{43,128}$/) });
    expect(sent.some((r) => r.method === "POST" && r.path === "/v4/spreadsheets")).toBe(true);

    const [row] = await db.select().from(googleConnections).where(eq(googleConnections.businessId, businessId));
    const raw = await db.execute(sql`select * from google_connections where business_id = ${businessId}::uuid`);
    const issued = (await google.state<{ refreshTokens: Record<string, unknown>; accessTokens: Record<string, unknown> }>());
    for (const token of [...Object.keys(issued.refreshTokens), ...Object.keys(issued.accessTokens)]) expect(JSON.stringify(raw.rows)).not.toContain(token);
    expect(row).toMatchObject({ googleEmail: "owner.sandbox@gmail.com", status: "ok", keyVersion: 1, spreadsheetId: expect.any(String) });

    const me = (await (await call("/api/me", { cookie })).json()) as { user: { google: unknown } };
    expect(me.user.google).toEqual({ connected: true, email: "owner.sandbox@gmail.com", status: "ok", spreadsheetUrl: `https://docs.google.com/spreadsheets/d/${row?.spreadsheetId}/edit` });
  });

  it("refuses a replayed state: the second use of the same callback connects nothing", async () => {
    const { cookie, businessId } = await signUp();
    const redirect = await consent(await begin(cookie), "allow");
    expect((await callback(redirect, cookie)).searchParams.get("google")).toBe("connected");
    await call("/api/auth/google/disconnect", { method: "POST", cookie });
    const replay = await callback(redirect, cookie);
    expect(Object.fromEntries(replay.searchParams)).toEqual({ google: "error", reason: "invalid_state" });
    expect(await db.select().from(googleConnections).where(eq(googleConnections.businessId, businessId))).toHaveLength(0);
  });

  it("refuses a state made by another session (a forged callback) and leaves it usable for its own", async () => {
    const victim = await signUp();
    const attacker = await signUp();
    const redirect = await consent(await begin(attacker.cookie), "allow");
    expect(Object.fromEntries((await callback(redirect, victim.cookie)).searchParams)).toEqual({ google: "error", reason: "invalid_state" });
    expect(await db.select().from(googleConnections).where(eq(googleConnections.businessId, victim.businessId))).toHaveLength(0);
    expect(await db.select().from(googleConnections).where(eq(googleConnections.businessId, attacker.businessId))).toHaveLength(0);
    expect(Object.fromEntries((await callback(redirect)).searchParams)).toEqual({ google: "error", reason: "signed_out" });
    // The foreign attempts did not spend it: its own session still completes.
    expect((await callback(redirect, attacker.cookie)).searchParams.get("google")).toBe("connected");
  });

  it("ends denied consent, unticked scopes, a missing refresh token and a Google failure on the integrations page with a reason", async () => {
    const { cookie, businessId } = await signUp();
    expect((await callback(await consent(await begin(cookie), "deny"), cookie)).searchParams.get("reason")).toBe("access_denied");
    expect((await callback(await consent(await begin(cookie), "allow", "openid email"), cookie)).searchParams.get("reason")).toBe("missing_scopes");
    const online = await begin(cookie);
    online.searchParams.set("access_type", "online"); // Google gives no refresh token then
    expect((await callback(await consent(online, "allow"), cookie)).searchParams.get("reason")).toBe("missing_refresh_token");
    await google.fault({ method: "POST", path: "/token", status: 500, body: googleOAuthError("internal_failure"), times: 5 });
    expect((await callback(await consent(await begin(cookie), "allow"), cookie)).searchParams.get("reason")).toBe("google_error");
    await google.reset();
    expect(await db.select().from(googleConnections).where(eq(googleConnections.businessId, businessId))).toHaveLength(0);
  });

  it("disconnect revokes the token at Google and removes the row", async () => {
    const { cookie, businessId } = await signUp();
    await callback(await consent(await begin(cookie), "allow"), cookie);
    const mark = await google.mark();
    const response = await call("/api/auth/google/disconnect", { method: "POST", cookie });
    expect(response.status).toBe(204);
    const [revoke] = (await google.requests(mark)).filter((r) => r.path === "/revoke");
    expect(revoke?.query.token).toMatch(/^1\/\/0/);
    expect(await db.select().from(googleConnections).where(eq(googleConnections.businessId, businessId))).toHaveLength(0);
    expect(((await (await call("/api/me", { cookie })).json()) as { user: { google: unknown } }).user.google).toMatchObject({ connected: false });
  });

  it("answers 503 service_not_configured without Google keys, 401 without a session", async () => {
    const { cookie } = await signUp();
    expectConsoleError(/request failed.*service_not_configured/);
    const response = await call("/api/auth/google", { cookie, env: envWith({ GOOGLE_CLIENT_ID: undefined }) });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe("service_not_configured");
    expect((await call("/api/auth/google")).status).toBe(401);
    expect((await call("/api/auth/google/disconnect", { method: "POST" })).status).toBe(401);
  });
});
