import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { sideEffects } from "../../src/db/schema";
import { DEAD_LETTER_QUEUE, MAX_DELIVERY_ATTEMPTS } from "../../src/queues/consumer";
import type { SideEffectMessage } from "../../src/side-effects/messages";
import { db } from "../support/db";
import { envWith, testEnv } from "../support/env";
import { createUser } from "../support/factories";
import { consumeBatch } from "../support/queues";
import { smtpInbox } from "../support/smtp";

const inbox = smtpInbox();
const consume = consumeBatch;

const lowCredit = (businessId: string, balance = 7, threshold = 10): SideEffectMessage => ({
  type: "email.low_credit",
  idempotencyKey: `low-credit:${crypto.randomUUID()}`,
  businessId,
  balance,
  threshold,
});

afterEach(async () => {
  await inbox.clearFaults();
  vi.restoreAllMocks();
});

describe("email through the side-effects queue", () => {
  it("sends the low-credit warning over SMTP with text and HTML parts and the right numbers", async () => {
    const { user } = await createUser({ name: "Dana <Clinic> & Co" });
    const { result } = await consume([lowCredit(user.id, 7, 10)]);
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toEqual([]);
    const [email] = await inbox.waitFor(user.email);
    expect(email?.envelope.to).toEqual([user.email]);
    expect(email?.subject).toBe("Your Agentline credits are running low");
    expect(email?.headers.from).toContain("no-reply@agentline.local");
    expect(email?.text).toContain("down to 7 credits, below your warning level of 10 credits");
    expect(email?.text).toContain("Hi Dana <Clinic> & Co,");
    expect(email?.html).toContain("<strong>7 credits</strong>");
    // The name is escaped in the HTML part.
    expect(email?.html).toContain("Hi Dana &lt;Clinic&gt; &amp; Co,");
    expect(email?.html).not.toContain("<Clinic>");
    expect(email?.raw).toMatch(/multipart\/alternative/);
  });

  it("sends a message once, however often it is delivered", async () => {
    const { user } = await createUser();
    const message = lowCredit(user.id);
    await consume([message, message]);
    await consume([message]);
    await inbox.waitFor(user.email);
    const [done] = await db.select().from(sideEffects).where(eq(sideEffects.key, message.idempotencyKey));
    expect(done?.kind).toBe("email.low_credit");
    expect(await inbox.messages(user.email)).toHaveLength(1);
  });

  it("sends a purchase receipt with the credits, the amount paid and the new balance", async () => {
    const { user } = await createUser({ name: "Sam" });
    await consume([
      { type: "email.purchase_receipt", idempotencyKey: "receipt:cs_test_receipt_1", businessId: user.id, credits: 500, amountCents: 4500, currency: "usd", balance: 512 },
    ]);
    const [email] = await inbox.waitFor(user.email);
    expect(email?.subject).toBe("Your Agentline receipt");
    expect(email?.text).toContain("500 credits have been added");
    expect(email?.text).toContain("Paid: $45.00");
    expect(email?.text).toContain("New balance: 512 credits");
    expect(email?.text).toContain("Reference: cs_test_receipt_1");
    expect(email?.html).toContain("$45.00");
  });

  it("sends the password reset link (escaped in HTML) with its expiry", async () => {
    const to = `reset-${crypto.randomUUID().slice(0, 8)}@example.test`;
    const resetUrl = "http://127.0.0.1:8787/reset-password?token=abc&x=<y>";
    await consume([{ type: "email.password_reset", idempotencyKey: `reset:${crypto.randomUUID()}`, to, name: null, resetUrl, expiresAt: "2026-12-01T14:05:00.000Z" }]);
    const [email] = await inbox.waitFor(to);
    expect(email?.subject).toBe("Reset your Agentline password");
    expect(email?.text).toContain(resetUrl);
    expect(email?.text).toContain("expires at 2:05 PM on Dec 1, 2026 (UTC)");
    expect(email?.html).toContain('href="http://127.0.0.1:8787/reset-password?token=abc&amp;x=&lt;y&gt;"');
  });

  it("retries with backoff when the SMTP server refuses, and sends once it accepts", async () => {
    const { user } = await createUser();
    const message = lowCredit(user.id, 3, 10);
    await inbox.refuse(user.email, 1, 451, "Mailbox temporarily unavailable");
    const first = await consume([message], { attempts: 1 });
    expect(first.result.explicitAcks).toEqual([]);
    expect(first.result.retryMessages).toEqual([{ msgId: first.batch.messages[0]?.id }]);
    expect(first.delays).toEqual([10]);
    expect(await inbox.messages(user.email)).toHaveLength(0);
    // The claim was released, so the retry is not mistaken for a send in progress.
    expect(await db.select().from(sideEffects).where(eq(sideEffects.key, message.idempotencyKey))).toEqual([]);
    const second = await consume([message], { attempts: 2 });
    expect(second.result.explicitAcks).toHaveLength(1);
    expect((await inbox.waitFor(user.email))).toHaveLength(1);
  });

  it("an SMTP outage is retried with growing delays, then dead-lettered with its reason", async () => {
    const { user } = await createUser();
    const message = lowCredit(user.id);
    await inbox.refuse(user.email, -1, 421, "Service not available, closing transmission channel");
    const delays: number[] = [];
    for (let attempts = 1; attempts < MAX_DELIVERY_ATTEMPTS; attempts++) {
      const attempt = await consume([message], { attempts });
      expect(attempt.result.explicitAcks).toEqual([]);
      expect(attempt.result.retryMessages).toHaveLength(1);
      delays.push(...attempt.delays.map((delay) => delay ?? -1));
    }
    expect(delays).toEqual([10, 20, 40, 80, 160]);
    // The last attempt goes to the dead-letter queue with the reason, instead of a silent move.
    const sent: unknown[] = [];
    const dlq = { send: async (body: unknown) => void sent.push(body), sendBatch: async () => undefined } as unknown as Queue<SideEffectMessage>;
    const { result } = await consume([message], { attempts: MAX_DELIVERY_ATTEMPTS, env: { ...testEnv, SIDE_EFFECTS_DLQ: dlq } });
    expect(result.explicitAcks).toHaveLength(1);
    expect(sent).toEqual([
      { ...message, deadLetter: { reason: expect.stringContaining("421 Service not available"), attempts: MAX_DELIVERY_ATTEMPTS, failedAt: expect.any(String), messageId: expect.any(String) } },
    ]);
    expect(JSON.stringify(sent)).not.toContain(user.email);
    expect(await inbox.messages(user.email)).toHaveLength(0);

    // The dead-letter consumer logs it, with the reason, and acks.
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const dead = await consume([sent[0] as SideEffectMessage], { queue: DEAD_LETTER_QUEUE });
    expect(dead.result.explicitAcks).toHaveLength(1);
    const line = JSON.parse(String(errors.mock.calls.at(-1)?.[0]));
    expect(line).toMatchObject({ level: "error", msg: "side effect dead-lettered", reason: expect.stringContaining("421"), body: { type: "email.low_credit", idempotencyKey: message.idempotencyKey } });
  });

  it("SMTP not configured: the email is retried (not dropped) and a warning says why", async () => {
    const { user } = await createUser();
    const warnings = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { result, batch, delays } = await consume([lowCredit(user.id)], { env: envWith({ SMTP_HOST: undefined }) });
    expect(result.retryMessages).toEqual([{ msgId: batch.messages[0]?.id }]);
    expect(delays).toEqual([10]);
    expect(warnings.mock.calls.map((call) => String(call[0])).join("\n")).toMatch(/SMTP is not configured/);
    expect(await inbox.messages(user.email)).toHaveLength(0);
  });

  it("a low-credit warning for a deleted user is acked without an email", async () => {
    const { result } = await consume([lowCredit(crypto.randomUUID())]);
    expect(result.explicitAcks).toHaveLength(1);
  });
});
