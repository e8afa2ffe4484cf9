/** The Google stand-in on its own: Google's wire formats, scripted faults, and state kept in its data folder. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GOOGLE_SANDBOX_CLIENT_ID, GOOGLE_SANDBOX_CLIENT_SECRET, startGoogleStandIn } from "../../dev/stand-ins/google.mjs";

type Running = Awaited<ReturnType<typeof startGoogleStandIn>>;
const running: Running[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function start(dataDir: string | null = null) {
  const standIn = await startGoogleStandIn({ dataDir });
  running.push(standIn);
  return standIn;
}

async function tokens(url: string) {
  const redirectUri = "http://127.0.0.1:9/api/auth/google/callback";
  const verifier = "v".repeat(50);
  const { createHash } = await import("node:crypto");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const allow = await fetch(`${url}/o/oauth2/v2/auth/decision`, {
    method: "POST",
    redirect: "manual",
    body: new URLSearchParams({ client_id: GOOGLE_SANDBOX_CLIENT_ID, redirect_uri: redirectUri, response_type: "code", scope: "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/spreadsheets", access_type: "offline", state: "s1", code_challenge: challenge, code_challenge_method: "S256", decision: "allow" }),
  });
  const back = new URL(allow.headers.get("location") as string);
  expect(back.searchParams.get("state")).toBe("s1");
  const exchange = (verifierSent: string) =>
    fetch(`${url}/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "authorization_code", code: back.searchParams.get("code") as string, redirect_uri: redirectUri, client_id: GOOGLE_SANDBOX_CLIENT_ID, client_secret: GOOGLE_SANDBOX_CLIENT_SECRET, code_verifier: verifierSent }),
    });
  const wrong = await exchange("w".repeat(50));
  expect(wrong.status).toBe(400);
  expect(await wrong.json()).toEqual({ error: "invalid_grant", error_description: "Invalid code verifier." });
  return { wrongVerifierSpentTheCode: (await exchange(verifier)).status === 400 };
}

describe("google stand-in", () => {
  it("checks PKCE and spends a code on first use, as Google does", async () => {
    const google = await start();
    expect(await tokens(google.url)).toEqual({ wrongVerifierSpentTheCode: true });
  });

  it("answers API errors in Google's shape and honours repeated privateExtendedProperty filters", async () => {
    const google = await start();
    const unauthenticated = await fetch(`${google.url}/calendar/v3/calendars/primary/events`);
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED", errors: [{ reason: "authError" }] } });
    const token = "ya29.test";
    google.state.accessTokens[token] = { sub: google.state.accounts[0]?.sub, scopes: ["https://www.googleapis.com/auth/calendar.events"], expiresAt: Date.now() + 60_000 };
    const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const insert = (props: Record<string, string>, hour: number) =>
      fetch(`${google.url}/calendar/v3/calendars/primary/events`, { method: "POST", headers, body: JSON.stringify({ start: { dateTime: `2030-01-01T${hour}:00:00Z` }, end: { dateTime: `2030-01-01T${hour}:30:00Z` }, extendedProperties: { private: props } }) });
    await insert({ a: "1", phone: "+1555" }, 10);
    await insert({ a: "1", phone: "+1666" }, 11);
    const list = await fetch(`${google.url}/calendar/v3/calendars/primary/events?privateExtendedProperty=a%3D1&privateExtendedProperty=phone%3D%2B1555`, { headers });
    expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(1);
    const duplicate = await fetch(`${google.url}/calendar/v3/calendars/primary/events`, { method: "POST", headers, body: JSON.stringify({ id: "abc123", start: { dateTime: "2030-01-01T12:00:00Z" }, end: { dateTime: "2030-01-01T12:30:00Z" } }) });
    expect(duplicate.status).toBe(200);
    const again = await fetch(`${google.url}/calendar/v3/calendars/primary/events`, { method: "POST", headers, body: JSON.stringify({ id: "abc123", start: { dateTime: "2030-01-01T12:00:00Z" }, end: { dateTime: "2030-01-01T12:30:00Z" } }) });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: { code: 409, errors: [{ reason: "duplicate" }] } });
  });

  it("keeps its whole state in <dataDir>/google.json across restarts, and a stable sandbox encryption key", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "google-stand-in-"));
    const first = await start(dir);
    await tokens(first.url);
    const key = first.encryptionKey;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    const refreshTokens = Object.keys(first.state.refreshTokens);
    await first.close();
    running.splice(0);
    const second = await start(dir);
    expect(Object.keys(second.state.refreshTokens)).toEqual(refreshTokens);
    expect(second.encryptionKey).toBe(key);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "google.json"), "utf8"))).toMatchObject({ accounts: [{ email: "owner.sandbox@gmail.com" }] });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
