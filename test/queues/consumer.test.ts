/**
 * The consumer's closed set of message types: what it cannot handle is dead-lettered at once
 * with the reason, never retried; a handler's PermanentFailure too; other failures still retry.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Bindings } from "../../src/bindings";
import { createQueueConsumer, KNOWN_MESSAGE_TYPES, PermanentFailure, type SideEffectHandlers } from "../../src/queues/consumer";
import { recordingQueue, testEnv } from "../support/env";

const QUEUE = "agentline-side-effects";

async function consume(bodies: unknown[], handlers: SideEffectHandlers, { attempts = 1, dlq = true } = {}) {
  const deadLetters = recordingQueue<unknown>();
  const env = { ...testEnv, SIDE_EFFECTS_DLQ: dlq ? deadLetters : undefined } as Bindings;
  const batch = createMessageBatch<unknown>(
    QUEUE,
    bodies.map((body, i) => ({ id: `msg-${i}`, timestamp: new Date(), attempts, body })),
  );
  const ctx = createExecutionContext();
  await createQueueConsumer(handlers)(batch as MessageBatch<unknown>, env);
  return { batch, deadLetters: deadLetters.sent, result: await getQueueResult(batch, ctx) };
}

const lowCredit = { type: "email.low_credit", idempotencyKey: "low-credit:consumer-test", businessId: "u1", balance: 3, threshold: 10 };
let warnings: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe("the side-effects consumer refuses what it cannot handle", () => {
  it("an unknown message type is dead-lettered at once with its reason, not retried", async () => {
    const body = { type: "sms.send", idempotencyKey: "sms:1", to: "+15550100" };
    const { result, deadLetters } = await consume([body], {});
    expect(result.retryMessages).toEqual([]);
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(deadLetters).toEqual([{ ...body, deadLetter: { reason: 'unknown message type "sms.send"', attempts: 1, failedAt: expect.any(String), messageId: "msg-0" } }]);
    expect(String(warnings.mock.calls.at(-1)?.[0])).toContain("side effect refused");
  });

  it("a known type with a malformed body is dead-lettered naming the field, without its value", async () => {
    const body = { ...lowCredit, balance: "secret-balance" };
    const { result, deadLetters } = await consume([body], { "email.low_credit": async () => undefined });
    expect(result.retryMessages).toEqual([]);
    const reason = (deadLetters[0] as { deadLetter: { reason: string } }).deadLetter.reason;
    expect(reason).toMatch(/^malformed "email.low_credit" message: balance: /);
    expect(reason).not.toContain("secret-balance");
  });

  it("a body that is not a message at all is dead-lettered wrapped, with the reason", async () => {
    const { result, deadLetters } = await consume(["just text"], {});
    expect(result.explicitAcks).toEqual(["msg-0"]);
    expect(deadLetters).toEqual([{ body: "just text", deadLetter: expect.objectContaining({ reason: "not a side-effect message: no string `type`" }) }]);
  });

  it("a declared type with no handler is dead-lettered, not retried until it expires", async () => {
    const { result, deadLetters } = await consume([lowCredit], {});
    expect(result.retryMessages).toEqual([]);
    expect(deadLetters).toEqual([{ ...lowCredit, deadLetter: expect.objectContaining({ reason: 'no handler for message type "email.low_credit"' }) }]);
  });

  it("a handler's PermanentFailure dead-letters on the first attempt; another failure retries", async () => {
    const permanent = await consume([lowCredit], { "email.low_credit": async () => { throw new PermanentFailure("the user is gone"); } });
    expect(permanent.result.retryMessages).toEqual([]);
    expect(permanent.deadLetters).toEqual([{ ...lowCredit, deadLetter: expect.objectContaining({ reason: "the user is gone" }) }]);

    const transient = await consume([lowCredit], { "email.low_credit": async () => { throw new Error("try later"); } });
    expect(transient.result.retryMessages).toEqual([{ msgId: "msg-0" }]);
    expect(transient.deadLetters).toEqual([]);
  });

  it("without a dead-letter queue to forward to, a refused message falls back to the queue's own retries", async () => {
    const { result } = await consume([{ type: "sms.send" }], {}, { dlq: false });
    expect(result.retryMessages).toEqual([{ msgId: "msg-0" }]);
    expect(result.explicitAcks).toEqual([]);
  });

  it("in a batch, only the bad message is refused; the good one is handled and acked", async () => {
    const handled: unknown[] = [];
    const { result, deadLetters } = await consume([{ type: "nope" }, lowCredit], { "email.low_credit": async (message) => void handled.push(message) });
    expect(handled).toEqual([lowCredit]);
    expect(result.explicitAcks.sort()).toEqual(["msg-0", "msg-1"]);
    expect(deadLetters).toHaveLength(1);
  });

  it("knows every type the message union declares", () => {
    expect(KNOWN_MESSAGE_TYPES).toContain("email.low_credit");
    expect(KNOWN_MESSAGE_TYPES).toContain("sheets.append_call");
  });
});
