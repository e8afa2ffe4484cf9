/**
 * Fault drill: SMTP is down while the owner's call e-mail is due. The e-mail is the real
 * `email.call_summary` message an end-of-call report queued, driven through the worker's own
 * queue consumer attempt after attempt: first with nothing listening on the SMTP port, then
 * with the SMTP stand-in answering every connection 421 and closing it. What this proves: each
 * attempt fails without sending and is retried with a growing delay (10, 20, 40, 80, 160 s);
 * the last attempt forwards it to the dead-letter queue whole (nothing lost: the message as it
 * was, plus why), the dead-letter consumer logs one error line naming its type, its id on the
 * side-effects queue, its idempotency key and the reason (and no address); and once SMTP is
 * back, replaying the dead letter sends the e-mail exactly once.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEAD_LETTER_QUEUE, MAX_DELIVERY_ATTEMPTS } from "../../src/queues/consumer";
import type { SideEffectMessage } from "../../src/side-effects/messages";
import { bindingsWith, envWith, recordingQueue } from "../support/env";
import { call } from "../support/http";
import { consumeBatch } from "../support/queues";
import { smtpInbox } from "../support/smtp";
import { createLine, signVapi, vapiMessage } from "../support/vapi-webhook";

const inbox = smtpInbox();
/** The first attempts find nothing listening (port 9 on loopback is closed). */
const SMTP_UNREACHABLE = envWith({ SMTP_PORT: "9" });

/** The call e-mail an end-of-call report queues (notify: all), as the queue would hold it. */
async function callEmailMessage() {
  const { owner, line } = await createLine({ notify: "all" });
  const queue = recordingQueue<SideEffectMessage>();
  const payload = JSON.stringify(vapiMessage("end-of-call-report", line));
  const response = await call("/api/webhooks/vapi", {
    method: "POST",
    body: payload,
    headers: { "content-type": "application/json", ...(await signVapi(payload)) },
    env: bindingsWith({ SIDE_EFFECTS: queue }),
  });
  expect(response.status).toBe(200);
  const [message] = queue.sent;
  expect(message?.type).toBe("email.call_summary");
  return { owner, message: message as SideEffectMessage };
}

afterEach(async () => {
  await inbox.clearFaults();
  vi.restoreAllMocks();
});

describe("drill: SMTP is down", () => {
  it("retries with growing delays, dead-letters the e-mail whole with its reason, logs it, and a replay sends it once", async () => {
    const { owner, message } = await callEmailMessage();
    const to = owner.user.email;
    const messageId = `msg-${crypto.randomUUID()}`;
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);

    const delays: (number | undefined)[] = [];
    for (let attempts = 1; attempts < MAX_DELIVERY_ATTEMPTS; attempts++) {
      // Down (nothing listening), then refusing: 421 instead of the greeting, and the connection closed.
      if (attempts > 3) await inbox.refuseConnections(1);
      const attempt = await consumeBatch([message], { attempts, ids: [messageId], env: attempts <= 3 ? SMTP_UNREACHABLE : undefined });
      expect(attempt.result.explicitAcks).toEqual([]);
      expect(attempt.result.retryMessages).toEqual([{ msgId: messageId }]);
      delays.push(...attempt.delays);
    }
    expect(delays).toEqual([10, 20, 40, 80, 160]);
    expect(await inbox.messages(to)).toEqual([]);
    const retried = warnings.mock.calls.map((args) => JSON.parse(String(args[0])) as Record<string, unknown>).filter((line) => line.msg === "side effect failed; retrying");
    expect(retried.map((line) => line.attempts)).toEqual([1, 2, 3, 4, 5]);
    expect(retried.map((line) => String(line.reason))).toEqual([
      ...Array(3).fill(expect.stringMatching(/cannot connect/)),
      ...Array(2).fill(expect.stringMatching(/^Failed to connect to SMTP server: 421 Service not available/)),
    ]);
    expect(retried.every((line) => line.type === "email.call_summary" && line.messageId === messageId)).toBe(true);

    // The last attempt: forwarded to the dead-letter queue with the reason, and acked.
    await inbox.refuseConnections(1);
    const deadLetters = recordingQueue<SideEffectMessage>();
    const last = await consumeBatch([message], { attempts: MAX_DELIVERY_ATTEMPTS, ids: [messageId], env: bindingsWith({ SIDE_EFFECTS_DLQ: deadLetters }) });
    expect(last.result.explicitAcks).toEqual([messageId]);
    expect(last.result.retryMessages).toEqual([]);
    expect(deadLetters.sent).toEqual([
      { ...message, deadLetter: { reason: expect.stringContaining("421 Service not available"), attempts: MAX_DELIVERY_ATTEMPTS, failedAt: expect.any(String), messageId } },
    ]);
    expect(await inbox.messages(to)).toEqual([]);

    // The dead-letter consumer logs it: type, id, key, attempts and reason; no address.
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const letter = deadLetters.sent[0] as SideEffectMessage;
    const dead = await consumeBatch([letter], { queue: DEAD_LETTER_QUEUE });
    expect(dead.result.explicitAcks).toHaveLength(1);
    expect(errors.mock.calls).toHaveLength(1);
    const line = String(errors.mock.calls[0]?.[0]);
    expect(JSON.parse(line)).toMatchObject({
      level: "error",
      msg: "side effect dead-lettered",
      type: "email.call_summary",
      messageId,
      idempotencyKey: message.idempotencyKey,
      attempts: MAX_DELIVERY_ATTEMPTS,
      reason: expect.stringContaining("421 Service not available"),
    });
    expect(line).not.toContain(to);
    errors.mockRestore();

    // Nothing lost: SMTP is back, the dead letter is replayed (twice, even) and the e-mail goes out once.
    await consumeBatch([letter]);
    await consumeBatch([letter]);
    const [sent, ...more] = await inbox.waitFor(to);
    expect(more).toEqual([]);
    expect(sent?.text).toContain("+15125550147");
  });
});
