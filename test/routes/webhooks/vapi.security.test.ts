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
    const noCalls = vapiMessage("tool-calls", line);
    noCalls.message.toolCallList = [{ type: "function", function: { name: "check_availability", arguments: "{}" } }];
    noCalls.message.toolWithToolCallList = [];
    expect((await postVapi(noCalls)).status).toBe(400);
  });

  it("unreadable tool-call arguments or a missing name are an error result for that call, and the message is answered 200", async () => {
    const { line } = await createLine();
    const body = vapiMessage("tool-calls", line);
    body.message.toolCallList = [
      { id: "call_half", type: "function", function: { name: "check_availability", arguments: "{date:" } },
      { id: "call_ok", type: "function", function: { name: "check_availability", arguments: '{"date":"2030-05-14"}' } },
      { id: "call_nameless", type: "function", function: { arguments: '{"date":"2030-05-14"}' } },
      { id: "call_array", type: "function", function: { name: "check_availability", arguments: "[1,2]" } },
    ];
    delete body.message.toolWithToolCallList;
    const response = await postVapi(body);
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: { toolCallId: string; result?: string; error?: string }[] };
    expect(results.map((result) => [result.toolCallId, result.error === undefined ? "result" : "error"])).toEqual([
      ["call_half", "error"],
      ["call_ok", "result"],
      ["call_nameless", "error"],
      ["call_array", "error"],
    ]);
  });

  it("a type we do not act on is answered 200 and ignored", async () => {
    const { line } = await createLine();
    const response = await postVapi(vapiMessage("hang", line));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, ignored: "hang" });
    expect(await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId))).toEqual([]);
  });
});

describe("Vapi webhook: Object.prototype names as outside text", () => {
  // "__proto__", "constructor", "toString", …: as a message type, a tool name and a JSON key each
  // is answered as documented (200 ignored / an error result / understood), and nothing is
  // logged as an error (test/support/console-trap.ts fails the test on any console.error).
  const names = Object.getOwnPropertyNames(Object.prototype);

  it("as a message type: 200, ignored", async () => {
    const { line } = await createLine();
    for (const name of names) {
      const body = vapiMessage("status-update", line, { type: name });
      const response = await postVapi(body);
      expect(response.status, name).toBe(200);
      expect(await response.json(), name).toEqual({ received: true, ignored: name });
    }
  });

  it("as a tool name: an error result for that call, the message 200", async () => {
    const { line } = await createLine({ bookingEnabled: true });
    const body = vapiMessage("tool-calls", line);
    body.message.toolCallList = names.map((name, index) => ({ id: `call_${index}`, type: "function", function: { name, arguments: "{}" } }));
    delete body.message.toolWithToolCallList;
    const response = await postVapi(body);
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: { name: string; toolCallId: string; error?: string }[] };
    expect(results.map((result) => [result.toolCallId, result.name])).toEqual(names.map((name, index) => [`call_${index}`, name]));
    for (const result of results) expect(result.error, result.name).toBe("I can't do that on this call.");
  });

  it("as a JSON key of the message, the call, tool arguments and structured data: understood as if it were not there", async () => {
    const { line } = await createLine({ credits: 50 });
    const keyed = (value: string) => names.map((name) => `${JSON.stringify(name)}:${value}`).join(",");
    // Spliced into the JSON text: an object literal would not carry "__proto__" as a key.
    const withKeys = (payload: string, at: string) => payload.replace(at, `${at}${keyed('{"type":"x","id":"x","date":"1999-01-01"}')},`);
    const request = withKeys(withKeys(JSON.stringify(vapiMessage("assistant-request", line)), '{"message":{'), '"call":{');
    expect((await postVapi(request)).status).toBe(200);
    const tools = vapiMessage("tool-calls", line);
    tools.message.toolCallList[0].function.arguments = `{${keyed('"x"')},"date":"2030-05-14"}`;
    const toolAnswer = await postVapi(withKeys(JSON.stringify(tools), '{"message":{'));
    expect(toolAnswer.status).toBe(200);
    const { results } = (await toolAnswer.json()) as { results: { result?: string; error?: string }[] };
    expect(results).toHaveLength(1);
    expect(results[0]?.result).toMatch(/can't book appointments on this line/);
    const report = JSON.stringify(vapiMessage("end-of-call-report", line)).replace('"structuredData":{', `"structuredData":{${keyed("true")},`);
    const reportAnswer = await postVapi(withKeys(report, '{"message":{'));
    expect(reportAnswer.status).toBe(200);
    const [row] = await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId));
    expect(row?.status).toBe("ended");
    expect(row?.durationSeconds).toBe(185);
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
