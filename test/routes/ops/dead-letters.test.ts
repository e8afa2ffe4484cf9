/**
 * Dead letters kept and replayed (ADR 1101): the dead-letter consumer keeps each letter in
 * `dead_letters` (whatever the environment's DLQ is called), the ops API lists them behind
 * OPS_TOKEN and replays one once; a replay of a message whose effect already happened is a
 * no-op through the handler's own claim. The Google key re-encryption pass shares the API.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { calls, deadLetters, sideEffects } from "../../../src/db/schema";
import { keepUndeliveredVapiMessage, undeliveredForCall } from "../../../src/services/calls/undelivered";
import { createServices } from "../../../src/services/create-services";
import type { SideEffectMessage } from "../../../src/side-effects/messages";
import { db } from "../../support/db";
import { bindingsWith, envWith, recordingQueue, testEnv } from "../../support/env";
import { createUser } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { consumeBatch } from "../../support/queues";
import { smtpInbox } from "../../support/smtp";
import { createLine, deliver, vapiMessage } from "../../support/vapi-webhook";

const inbox = smtpInbox();

const TOKEN = "ops-test-token-0123456789abcdef0123456789";
const withToken = envWith({ OPS_TOKEN: TOKEN });
const auth = { authorization: `Bearer ${TOKEN}` };

/** A letter as the consumer forwards it to the dead-letter queue (src/queues/dead-letter.ts). */
function letter(message: SideEffectMessage, messageId: string, reason = "SMTP 421 try later") {
  return { ...message, deadLetter: { reason, attempts: 6, failedAt: "2026-12-01T10:00:00.000Z", messageId } } as unknown as SideEffectMessage;
}
const lowCredit = (businessId: string): SideEffectMessage => ({ type: "email.low_credit", idempotencyKey: `low-credit:${crypto.randomUUID()}`, businessId, balance: 3, threshold: 10 });

async function keep(message: SideEffectMessage, queue = "agentline-side-effects-staging-dlq") {
  const messageId = `msg-${crypto.randomUUID()}`;
  vi.spyOn(console, "error").mockImplementation(() => undefined);
  const consumed = await consumeBatch([letter(message, messageId)], { queue });
  const [row] = await db.select().from(deadLetters).where(eq(deadLetters.messageId, messageId));
  return { consumed, row, messageId };
}

describe("the dead-letter consumer keeps letters", () => {
  it("keeps a letter from any environment's -dlq queue, body as first sent, and a redelivery adds no row", async () => {
    const { user } = await createUser();
    const message = lowCredit(user.id);
    const { consumed, row, messageId } = await keep(message);
    expect(consumed.result.explicitAcks).toHaveLength(1);
    expect(row).toMatchObject({ type: "email.low_credit", idempotencyKey: message.idempotencyKey, reason: "SMTP 421 try later", attempts: 6, body: message, replayedAt: null });
    expect(row?.failedAt.toISOString()).toBe("2026-12-01T10:00:00.000Z");

    await consumeBatch([letter(message, messageId)], { queue: "agentline-side-effects-staging-dlq" });
    expect(await db.select().from(deadLetters).where(eq(deadLetters.messageId, messageId))).toHaveLength(1);
  });

  it("retries the batch (does not ack) when the database cannot keep it", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const broken = envWith({ DATABASE_URL: "postgresql://agentline:agentline@down.agentline.test/agentline", NEON_FETCH_ENDPOINT: "http://127.0.0.1:9/sql" });
    const { result, delays } = await consumeBatch([letter(lowCredit(crypto.randomUUID()), "msg-db-down")], { queue: "agentline-side-effects-dlq", env: broken });
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toHaveLength(1);
    expect(delays).toEqual([60]);
  });
});

describe("the operations API", () => {
  it("does not exist without OPS_TOKEN (404) and refuses a wrong token (401)", async () => {
    const missing = await call("/api/ops/dead-letters", { headers: auth });
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).code).toBe("not_found");
    const wrong = await call("/api/ops/dead-letters", { env: withToken, headers: { authorization: `Bearer ${TOKEN.slice(0, -1)}x` } });
    expect(wrong.status).toBe(401);
    expect((await call("/api/ops/dead-letters", { env: withToken })).status).toBe(401);
  });

  it("lists letters newest first without their bodies; a bad limit is a 400", async () => {
    const { user } = await createUser();
    const { row } = await keep(lowCredit(user.id));
    const response = await call("/api/ops/dead-letters?limit=500&pending=true", { env: withToken, headers: auth });
    expect(response.status).toBe(200);
    const { deadLetters: listed } = (await response.json()) as { deadLetters: Record<string, unknown>[] };
    const mine = listed.find((entry) => entry.id === row?.id);
    expect(mine).toMatchObject({ type: "email.low_credit", reason: "SMTP 421 try later", replayedAt: null });
    expect(mine).not.toHaveProperty("body");
    expect((await call("/api/ops/dead-letters?limit=0", { env: withToken, headers: auth })).status).toBe(400);
  });

  it("replays a letter once: the first sends the original message, the second sends nothing", async () => {
    const { user } = await createUser();
    const message = lowCredit(user.id);
    const { row } = await keep(message);
    const queue = recordingQueue<SideEffectMessage>();
    const env = bindingsWith({ ...withToken, SIDE_EFFECTS: queue });
    // No Origin header: a bearer-token API is not a cookie API.
    const replay = () => call(`/api/ops/dead-letters/${row?.id}/replay`, { method: "POST", env, headers: { ...auth, origin: "" } });
    const first = await replay();
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ replayed: true, id: row?.id, type: "email.low_credit" });
    expect(queue.sent).toEqual([message]);
    const second = await replay();
    expect(await second.json()).toMatchObject({ replayed: false, id: row?.id, replayedAt: expect.any(String) });
    expect(queue.sent).toHaveLength(1);
    expect((await call(`/api/ops/dead-letters/${crypto.randomUUID()}/replay`, { method: "POST", env, headers: auth })).status).toBe(404);
  });

  it("a send that fails gives the claim back (502), so the letter can be replayed later", async () => {
    const { user } = await createUser();
    const { row } = await keep(lowCredit(user.id));
    const failing = { send: async () => Promise.reject(new Error("queue down")) } as unknown as Queue<SideEffectMessage>;
    const response = await call(`/api/ops/dead-letters/${row?.id}/replay`, { method: "POST", env: bindingsWith({ ...withToken, SIDE_EFFECTS: failing }), headers: auth });
    expect(response.status).toBe(502);
    const [after] = await db.select({ replayedAt: deadLetters.replayedAt }).from(deadLetters).where(eq(deadLetters.id, row?.id as string));
    expect(after?.replayedAt).toBeNull();
  });

  it("a replayed message whose e-mail was already sent sends no second one (the handler's claim)", async () => {
    const { user } = await createUser();
    const message = lowCredit(user.id);
    await db.insert(sideEffects).values({ key: message.idempotencyKey, kind: message.type });
    const { result } = await consumeBatch([message]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await inbox.messages(user.email)).toHaveLength(0);
  });

  it("runs the Google key rotation's re-encryption pass behind the same token", async () => {
    expect((await call("/api/ops/google-tokens/reencrypt", { method: "POST", headers: auth })).status).toBe(404);
    expect((await call("/api/ops/google-tokens/reencrypt?limit=0", { method: "POST", env: withToken, headers: auth })).status).toBe(400);
    const response = await call("/api/ops/google-tokens/reencrypt", { method: "POST", env: withToken, headers: auth });
    expect(response.status).toBe(200);
    // The test configuration is key version 1: nothing of version 1 needs moving.
    expect(await response.json()).toMatchObject({ keyVersion: 1, reencrypted: 0 });
  });
});

describe("undelivered Vapi messages through the operations API (ADR 0410)", () => {
  it("lists what we could not parse without its body, and a replay applies it once", async () => {
    const { line } = await createLine({ credits: 20, notify: "none" });
    await deliver(vapiMessage("assistant-request", line));
    // A report an older parser refused: kept whole by the webhook's 400.
    const refused = vapiMessage("end-of-call-report", line, { artifact: { messages: "not a list" } });
    expect((await deliver(refused)).status).toBe(400);
    const listed = await call("/api/ops/undelivered?pending=true", { env: withToken, headers: auth });
    expect(listed.status).toBe(200);
    const { messages } = (await listed.json()) as { messages: Record<string, unknown>[] };
    const mine = messages.find((entry) => entry.vapiCallId === line.vapiCallId);
    expect(mine).toMatchObject({ provider: "vapi", type: "end-of-call-report", appliedAt: null });
    expect(mine).not.toHaveProperty("rawBody");
    const replay = (id: string) => call(`/api/ops/undelivered/${id}/replay`, { env: withToken, headers: auth, method: "POST" });
    // Still unreadable by this parser: nothing changes, the attempt is counted.
    expect(await (await replay(String(mine?.id))).json()).toMatchObject({ status: "unreadable" });
    expect((await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId)))[0]?.status).not.toBe("ended");
    expect((await replay(crypto.randomUUID())).status).toBe(404);
    expect((await call(`/api/ops/undelivered/${String(mine?.id)}/replay`, { method: "POST" })).status).toBe(404);

    // One that this parser reads (kept by an older one): applied once, then nothing more to do.
    await keepUndeliveredVapiMessage(createServices(testEnv), JSON.stringify(vapiMessage("end-of-call-report", line)), "kept by an older parser");
    const readable = (await undeliveredForCall(db, line.vapiCallId)).find((id) => id !== mine?.id);
    expect(await (await replay(readable ?? "")).json()).toEqual({ status: "applied", outcome: "stored" });
    expect(await (await replay(readable ?? "")).json()).toEqual({ status: "already_applied", outcome: "stored" });
    expect((await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId)))[0]).toMatchObject({ status: "ended", creditsCharged: 4 });
  });
});
