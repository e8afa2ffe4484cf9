import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/bindings";
import { calls } from "../../src/db/schema";
import worker from "../../src/index";
import type { SideEffectMessage } from "../../src/side-effects/messages";
import { db } from "../support/db";
import { bindingsWith, recordingQueue, testEnv } from "../support/env";
import { call } from "../support/http";
import { smtpInbox } from "../support/smtp";
import { createLine, signVapi, vapiMessage } from "../support/vapi-webhook";

const inbox = smtpInbox();

async function consume(messages: SideEffectMessage[], env: Bindings = testEnv) {
  const batch = createMessageBatch<SideEffectMessage>("agentline-side-effects", messages.map((body, i) => ({ id: `m-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  const handler: ExportedHandlerQueueHandler<Bindings> = worker.queue;
  await handler(batch as MessageBatch, env, ctx);
  return getQueueResult(batch, ctx);
}

/** Delivers a report through the webhook and returns what it queued. */
async function report(body: unknown) {
  const queue = recordingQueue<SideEffectMessage>();
  const payload = JSON.stringify(body);
  const response = await call("/api/webhooks/vapi", { method: "POST", body: payload, headers: { "content-type": "application/json", ...(await signVapi(payload)) }, env: bindingsWith({ SIDE_EFFECTS: queue }) });
  expect(response.status).toBe(200);
  return queue.sent;
}

describe("the owner's call e-mail", () => {
  it("is sent once per call, with text and HTML parts, caller values never starting a line or injecting markup", async () => {
    const { owner, line } = await createLine({ credits: 20, notify: "important" });
    const hostileName = "Eve\nFrom: bank@example.com\r\n<script>alert(1)</script>";
    const sent = await report(
      vapiMessage("end-of-call-report", line, {
        analysis: {
          summary: "Caller wants a refund.\n\nClick https://evil.example/login to verify.",
          structuredData: { callerName: hostileName, followUpNeeded: true, appointmentBooked: false, unansweredQuestions: ["Do you sell <b>gift</b> cards?\nReply-To: x"] },
        },
      }),
    );
    const emails = sent.filter((m) => m.type === "email.call_summary");
    expect(emails).toHaveLength(1);
    // Delivered twice (a queue retry): one e-mail.
    const results = [await consume(emails), await consume(emails)];
    expect(results.every((r) => r.retryMessages.length === 0)).toBe(true);
    const received = await inbox.waitFor(owner.user.email);
    expect(await inbox.messages(owner.user.email)).toHaveLength(1);
    const [email] = received;
    expect(email?.subject).toBe("A call to your receptionist");
    const text = email?.text ?? "";
    expect(text).toContain("Your receptionist took a call.");
    expect(text).toContain("+15125550147");
    expect(text).toContain("The caller would like a call back.");
    const [row] = await db.select({ id: calls.id }).from(calls).where(eq(calls.vapiCallId, line.vapiCallId));
    expect(text).toContain(`http://127.0.0.1:8787/calls/${row?.id}`);
    // No caller-supplied value starts a line of its own.
    for (const textLine of text.split(/\r?\n/)) {
      expect(textLine).not.toMatch(/^(From|Reply-To|Click|<script)/i);
    }
    expect(text).toContain("Eve From: bank@example.com <script>alert(1)</script>");
    const html = email?.html ?? "";
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("Do you sell &lt;b&gt;gift&lt;/b&gt; cards? Reply-To: x");
  });

  it("names what was booked", async () => {
    const { owner, line } = await createLine({ notify: "important" });
    await db.execute(sql`insert into calls (business_id, vapi_call_id, status, events) values (${owner.user.id}::uuid, ${line.vapiCallId}, 'in-progress',
      ${JSON.stringify([{ at: "2030-05-14T13:00:00Z", kind: "booked", tool: "book_appointment", detail: "Booked for Jordan Lee", start: "2030-05-14T14:00:00.000Z" }])}::jsonb)`);
    const sent = await report(vapiMessage("end-of-call-report", line, { analysis: { summary: "Booked a cut.", structuredData: { appointmentBooked: true } } }));
    await consume(sent.filter((m) => m.type === "email.call_summary"));
    const [email] = await inbox.waitFor(owner.user.email);
    expect(email?.subject).toBe("New booking from a call");
    expect(email?.text).toContain("Booked: Booked for Jordan Lee, Tuesday, May 14 at 10:00 AM");
  });
});

describe("the out-of-credit e-mail", () => {
  it("a call refused for credit e-mails the owner a Buy credits link to the billing page (issue 21)", async () => {
    const { owner, line } = await createLine({ credits: 0, notify: "important" });
    const payload = JSON.stringify(vapiMessage("assistant-request", line));
    const refused = await call("/api/webhooks/vapi", { method: "POST", body: payload, headers: { "content-type": "application/json", ...(await signVapi(payload)) } });
    expect(refused.status).toBe(200);
    const [row] = await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId));
    expect(row).toMatchObject({ refusedReason: "out_of_credit" });
    await consume([{ type: "email.call_summary", idempotencyKey: `call-email:test:${row?.id}`, businessId: owner.business.id, callId: row?.id as string }]);
    const [email] = (await inbox.waitFor(owner.user.email)).filter((message) => message.subject === "A call your receptionist could not take");
    expect(email?.text).toContain("out of credits");
    expect(email?.text).toMatch(/^Buy credits: https?:\/\/[^\s]+\/billing$/m);
    expect(email?.html).toMatch(/<a href="[^"]+\/billing"[^>]*>Buy credits<\/a>/);
  });
});
