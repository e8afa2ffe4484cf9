import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Bindings } from "../../src/bindings";
import { calls, googleConnections } from "../../src/db/schema";
import worker from "../../src/index";
import { HEADER } from "../../src/services/google/sheets-log";
import type { SideEffectMessage } from "../../src/side-effects/messages";
import { db } from "../support/db";
import { testEnv } from "../support/env";
import { bookingAgent, connectedUser, connectionRow, google } from "../support/google";
import { googleApiError } from "../support/vendor-errors";

const QUEUE = "agentline-side-effects";

async function consume(messages: SideEffectMessage[], attempts = 1) {
  const batch = createMessageBatch<SideEffectMessage>(QUEUE, messages.map((body, i) => ({ id: `msg-${crypto.randomUUID()}-${i}`, timestamp: new Date(), attempts, body })));
  const retries = batch.messages.map((message) => vi.spyOn(message, "retry"));
  const ctx = createExecutionContext();
  const handler: ExportedHandlerQueueHandler<Bindings> = worker.queue;
  await handler(batch as MessageBatch, testEnv, ctx);
  const delays = retries.flatMap((spy) => spy.mock.calls.map((c) => c[0]?.delaySeconds));
  return { delays, result: await getQueueResult(batch, ctx) };
}

async function finishedCall() {
  const owner = await connectedUser(new Date(), { timezone: "America/New_York" });
  const agent = await bookingAgent(owner.user.id, { name: "Bella's Desk", sheetsLogging: true });
  const [row] = await db
    .insert(calls)
    .values({
      businessId: owner.user.id,
      agentId: agent.id,
      vapiCallId: `call_${crypto.randomUUID()}`,
      customerNumber: "+14155550100",
      status: "ended",
      startedAt: new Date("2030-05-14T03:30:00Z"), // 23:30 on the 13th in New York
      endedAt: new Date("2030-05-14T03:32:05Z"),
      durationSeconds: 125,
      summary: "=HYPERLINK(\"http://evil\") asked about prices",
      structuredData: { appointmentBooked: true },
      creditsCharged: 3,
    })
    .returning();
  if (!row) throw new Error("no call");
  const message: SideEffectMessage = { type: "sheets.append_call", idempotencyKey: `sheets:${row.id}`, callId: row.id };
  return { ...owner, agent, call: row, message };
}

async function sheetRows(accessToken: string, spreadsheetId: string) {
  const response = await fetch(`${google.url}/v4/spreadsheets/${spreadsheetId}/values/Calls`, { headers: { authorization: `Bearer ${accessToken}` } });
  return ((await response.json()) as { values?: string[][] }).values ?? [];
}

afterEach(async () => {
  await google.reset();
  vi.restoreAllMocks();
});

describe("sheets.append_call", () => {
  it("appends one row per call to a call log it creates, with the date in the owner's timezone, never as a formula", async () => {
    const { user, call, message, tokens } = await finishedCall();
    const mark = await google.mark();
    const { result } = await consume([message]);
    expect(result.explicitAcks).toHaveLength(1);
    const connection = await connectionRow(user.id);
    const rows = await sheetRows(tokens.accessToken, connection?.spreadsheetId as string);
    expect(rows).toEqual([HEADER, ["2030-05-13 23:30", "Bella's Desk", "+14155550100", "2:05", "=HYPERLINK(\"http://evil\") asked about prices", "yes", "3", call.id]]);
    const [append] = (await google.requests(mark)).filter((r) => r.path.endsWith(":append") && (r.body as { values: string[][] }).values[0]?.[7] === call.id);
    expect(append?.query.valueInputOption).toBe("RAW");
    const [stored] = await db.select().from(calls).where(eq(calls.id, call.id));
    expect(stored?.sheetLoggedAt).toBeInstanceOf(Date);
  });

  it("appends exactly one row when the message is delivered twice, one after the other or at once", async () => {
    const { user, message, tokens } = await finishedCall();
    await consume([message]);
    await consume([message]);
    await Promise.all([consume([message]), consume([message])]);
    const rows = await sheetRows(tokens.accessToken, (await connectionRow(user.id))?.spreadsheetId as string);
    expect(rows.filter((row) => row[7] === message.callId)).toHaveLength(1);
  });

  it("retries with backoff when the first append fails, and the retry appends exactly one row", async () => {
    const { user, message, tokens } = await finishedCall();
    await google.fault({ method: "POST", path: "/v4/spreadsheets/", status: 503, body: googleApiError(503, "UNAVAILABLE", "The service is currently unavailable.") });
    const first = await consume([message]);
    expect(first.result.retryMessages).toHaveLength(1);
    expect(first.delays).toEqual([10]);
    const spreadsheetId = (await connectionRow(user.id))?.spreadsheetId as string;
    expect((await sheetRows(tokens.accessToken, spreadsheetId)).filter((row) => row[7] === message.callId)).toHaveLength(0);
    const second = await consume([message], 2);
    expect(second.result.explicitAcks).toHaveLength(1);
    expect((await sheetRows(tokens.accessToken, spreadsheetId)).filter((row) => row[7] === message.callId)).toHaveLength(1);
  });

  it("does not append again when an earlier attempt's row landed although its answer was lost", async () => {
    const { user, message, tokens, call } = await finishedCall();
    await consume([message]);
    await db.update(calls).set({ sheetLoggedAt: null }).where(eq(calls.id, call.id));
    await db.execute(`delete from side_effects where key = 'sheets:${call.id}'`);
    await consume([message], 2);
    expect((await sheetRows(tokens.accessToken, (await connectionRow(user.id))?.spreadsheetId as string)).filter((row) => row[7] === call.id)).toHaveLength(1);
  });

  it("a 401/403 from Sheets marks the connection needs_reconnect and does not retry", async () => {
    const { user, message } = await finishedCall();
    await google.fault({ method: "POST", path: "/v4/spreadsheets", status: 403, body: googleApiError(403, "PERMISSION_DENIED", "The caller does not have permission"), times: 5 });
    const { result } = await consume([message]);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(1);
    expect((await connectionRow(user.id))?.status).toBe("needs_reconnect");
  });

  it("a 401 with the cached token refreshes it once and appends with the new one (token rotated at Google)", async () => {
    const { user, message, tokens } = await finishedCall();
    await google.fault({ method: "POST", path: "/v4/spreadsheets", status: 401, body: googleApiError(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.") });
    const mark = await google.mark();
    const { result } = await consume([message]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    expect((await google.requests(mark)).filter((r) => r.path === "/token")).toHaveLength(1);
    const connection = await connectionRow(user.id);
    expect(connection?.status).toBe("ok");
    expect((await sheetRows(tokens.accessToken, connection?.spreadsheetId as string)).filter((row) => row[7] === message.callId)).toHaveLength(1);
  });

  it("a grant revoked while its token is cached: one refresh, invalid_grant, needs_reconnect, no retry", async () => {
    const { user, message, tokens } = await finishedCall();
    expect((await fetch(`${google.url}/revoke?token=${encodeURIComponent(tokens.refreshToken)}`, { method: "POST" })).status).toBe(200);
    const mark = await google.mark();
    const { result } = await consume([message]);
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toHaveLength(1);
    expect((await google.requests(mark)).filter((r) => r.path === "/token")).toHaveLength(1);
    expect(await connectionRow(user.id)).toMatchObject({ status: "needs_reconnect", accessTokenCiphertext: null });
  });

  it("recreates a spreadsheet the owner deleted, and logs there", async () => {
    const first = await finishedCall();
    await consume([first.message]);
    const oldId = (await connectionRow(first.user.id))?.spreadsheetId as string;
    const deleted = await fetch(`${google.url}/drive/v3/files/${oldId}`, { method: "DELETE", headers: { authorization: `Bearer ${first.tokens.accessToken}` } });
    expect(deleted.status).toBe(204);
    const [another] = await db.insert(calls).values({ businessId: first.user.id, agentId: first.agent.id, vapiCallId: `call_${crypto.randomUUID()}`, status: "ended", durationSeconds: 30, creditsCharged: 1 }).returning();
    await consume([{ type: "sheets.append_call", idempotencyKey: `sheets:${another?.id}`, callId: another?.id as string }]);
    const newId = (await connectionRow(first.user.id))?.spreadsheetId as string;
    expect(newId).not.toBe(oldId);
    const rows = await sheetRows(first.tokens.accessToken, newId);
    expect(rows[0]).toEqual(HEADER);
    expect(rows.filter((row) => row[7] === another?.id)).toHaveLength(1);
  });

  it("skips a call whose agent has the call log off, and a user without Google", async () => {
    const { agent, message, call } = await finishedCall();
    await db.update((await import("../../src/db/schema")).agents).set({ sheetsLogging: false }).where(eq((await import("../../src/db/schema")).agents.id, agent.id));
    const mark = await google.mark();
    expect((await consume([message])).result.explicitAcks).toHaveLength(1);
    expect(await google.requests(mark)).toHaveLength(0);
    await db.delete(googleConnections).where(eq(googleConnections.businessId, call.businessId));
    await db.update((await import("../../src/db/schema")).agents).set({ sheetsLogging: true }).where(eq((await import("../../src/db/schema")).agents.id, agent.id));
    expect((await consume([message])).result.retryMessages).toEqual([]);
  });
});
