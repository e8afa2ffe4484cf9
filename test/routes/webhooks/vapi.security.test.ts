import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls } from "../../../src/db/schema";
import { ledgerOf } from "../../support/credits";
import { db } from "../../support/db";
import { envWith } from "../../support/env";
import { errorOf } from "../../support/http";
import { createLine, postVapi, signVapi, vapiMessage, webhookSecret } from "../../support/vapi-webhook";

async function writtenFor(vapiCallId: string, userId: string) {
  const rows = await db.select().from(calls).where(eq(calls.vapiCallId, vapiCallId));
  const events = await db.execute(sql`select 1 from webhook_events where event_id like ${`%${vapiCallId}`}`);
  const ledger = await ledgerOf(userId);
  return { calls: rows.length, events: events.rows.length, ledger: ledger.length };
}

describe("Vapi webhook: authentication", () => {
  const refusals: [string, (payload: string) => Promise<Record<string, string>>][] = [
    ["unsigned", async () => ({})],
    ["signed with another secret", (payload) => signVapi(payload, { secret: "not-our-secret" })],
    ["a signature over another body", (payload) => signVapi(`${payload} `)],
    ["a stale timestamp (ms)", (payload) => signVapi(payload, { timestamp: String(Date.now() - 6 * 60_000) })],
    ["a stale timestamp (s)", (payload) => signVapi(payload, { timestamp: String(Math.floor(Date.now() / 1000) - 6 * 60) })],
    ["a future timestamp", (payload) => signVapi(payload, { timestamp: String(Date.now() + 6 * 60_000) })],
    ["a malformed timestamp", async (payload) => ({ ...(await signVapi(payload)), "x-timestamp": "yesterday" })],
    ["a wrong legacy secret", async () => ({ "x-vapi-secret": "guess" })],
    // The key in the clear with no timestamp: refused unless VAPI_ACCEPT_LEGACY_SECRET=true.
    ["the right legacy secret, with VAPI_ACCEPT_LEGACY_SECRET off (the default)", async () => ({ "x-vapi-secret": webhookSecret() })],
  ];

  for (const [name, headersFor] of refusals) {
    it(`${name}: 401, and neither the report nor the assistant-request writes anything`, async () => {
      const { owner, line } = await createLine({ credits: 20 });
      for (const fixture of ["assistant-request", "end-of-call-report"] as const) {
        const payload = JSON.stringify(vapiMessage(fixture, line));
        const response = await postVapi(payload, { unsigned: true, headers: await headersFor(payload) });
        expect(response.status).toBe(401);
        expect((await errorOf(response)).code).toBe("unauthenticated");
      }
      expect(await writtenFor(line.vapiCallId, owner.user.id)).toEqual({ calls: 0, events: 0, ledger: 1 });
    });
  }

  it("accepts an HMAC signature with the timestamp in seconds", async () => {
    const { line } = await createLine({ credits: 20 });
    const payload = JSON.stringify(vapiMessage("assistant-request", line));
    const seconds = await signVapi(payload, { timestamp: String(Math.floor(Date.now() / 1000)) });
    expect((await postVapi(payload, { unsigned: true, headers: seconds })).status).toBe(200);
  });

  it("accepts the legacy X-Vapi-Secret only when VAPI_ACCEPT_LEGACY_SECRET=true, and then only the right one", async () => {
    const { newCall } = await createLine({ credits: 20 });
    const legacyOn = envWith({ VAPI_ACCEPT_LEGACY_SECRET: "true" });
    const legacy = JSON.stringify(vapiMessage("assistant-request", newCall()));
    expect((await postVapi(legacy, { unsigned: true, env: legacyOn, headers: { "x-vapi-secret": webhookSecret() } })).status).toBe(200);
    const guessed = JSON.stringify(vapiMessage("assistant-request", newCall()));
    expect((await postVapi(guessed, { unsigned: true, env: legacyOn, headers: { "x-vapi-secret": "guess" } })).status).toBe(401);
  });
});

describe("Vapi webhook: parsing", () => {
  it("a body that is not JSON is a 400, not a 500", async () => {
    const response = await postVapi("{not json");
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_json");
  });

  it("a message without the fields its type needs is a 400 naming the field", async () => {
    const { line } = await createLine();
    const body = vapiMessage("assistant-request", line);
    delete body.message.call;
    const response = await postVapi(body);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/^message\.call/);
    expect((await postVapi({ nothing: true })).status).toBe(400);
    const badArguments = vapiMessage("tool-calls", line);
    badArguments.message.toolCallList[0].function.arguments = "{date:";
    expect((await postVapi(badArguments)).status).toBe(400);
  });

  it("a type we do not act on is answered 200 and ignored", async () => {
    const { line } = await createLine();
    const response = await postVapi(vapiMessage("hang", line));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, ignored: "hang" });
    expect(await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId))).toEqual([]);
  });
});

describe("Vapi webhook: size", () => {
  it("accepts a long call's report over the API's usual 1 MiB limit", async () => {
    const { line } = await createLine({ credits: 20 });
    const long = Array.from({ length: 4000 }, (_, i) => ({ role: i % 2 ? "user" : "bot", message: "word ".repeat(60), time: 1795689003000 + i * 1000, secondsFromStart: i }));
    const body = vapiMessage("end-of-call-report", line);
    body.message.artifact.messages = long;
    body.message.artifact.transcript = long.map((m) => m.message).join("\n");
    expect(JSON.stringify(body).length).toBeGreaterThan(2 * 1024 * 1024);
    const response = await postVapi(body);
    expect(response.status).toBe(200);
    const [row] = await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId));
    expect(row?.messages).toHaveLength(4000);
  });
});
