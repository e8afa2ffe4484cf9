import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls } from "../../../src/db/schema";
import { creditAccount } from "../../../src/services/credits";
import type { SideEffectMessage } from "../../../src/side-effects/messages";
import { expectLedgerConsistent } from "../../support/credits";
import { db } from "../../support/db";
import { bindingsWith, recordingQueue, testEnv } from "../../support/env";
import { call } from "../../support/http";
import { createLine, deliver, type Line, signVapi, type VapiBody, vapiMessage } from "../../support/vapi-webhook";

const callRow = async (vapiCallId: string) => (await db.select().from(calls).where(eq(calls.vapiCallId, vapiCallId)))[0];

/** A message that names its call by id alone (the SDK marks phoneNumber, customer, assistant and the call's other ids optional). */
function byCallIdOnly(body: VapiBody, line: Line): VapiBody {
  const { phoneNumber: _n, customer: _c, assistant: _a, call: _call, ...rest } = body.message;
  return { message: { ...rest, call: { id: line.vapiCallId } } };
}

/** A report with no timing anywhere: no startedAt/endedAt on the message or the call, no duration fields. */
function withoutTiming(body: VapiBody): VapiBody {
  const { startedAt: _s, endedAt: _e, durationSeconds: _d, durationMs: _m, ...rest } = body.message;
  const { startedAt: _cs, endedAt: _ce, ...call } = rest.call ?? {};
  return { message: { ...rest, call } };
}

/** Posts to the webhook with a queue that records what the handlers enqueue. */
async function deliverRecording(body: unknown, queue = recordingQueue<SideEffectMessage>()) {
  const payload = JSON.stringify(body);
  const response = await call("/api/webhooks/vapi", {
    method: "POST",
    body: payload,
    headers: { "content-type": "application/json", ...(await signVapi(payload)) },
    env: bindingsWith({ SIDE_EFFECTS: queue }),
  });
  return { response, queue };
}

describe("status-update", () => {
  it("moves a call forward whatever order the updates arrive in: ended never goes back to in-progress", async () => {
    const { line, owner } = await createLine();
    await deliver(vapiMessage("assistant-request", line));
    expect((await deliver(vapiMessage("status-update-ended", line))).status).toBe(200);
    await deliver(vapiMessage("status-update", line));
    await deliver(vapiMessage("status-update", line, { status: "ringing" }));
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "ended", endedReason: "customer-ended-call", startedAt: new Date(1795689003456) });
    // In progress shows in the list while it lasts.
    const other = { ...line, vapiCallId: `call-${crypto.randomUUID()}` };
    await deliver(vapiMessage("status-update", other, { status: "ringing" }));
    await deliver(vapiMessage("status-update", other));
    const list = (await (await call("/api/calls?status=in-progress", { cookie: owner.cookie })).json()) as { calls: { vapiCallId: string }[] };
    expect(list.calls.map((c) => c.vapiCallId)).toEqual([other.vapiCallId]);
  });

  it("an update for a call nobody here owns changes nothing", async () => {
    const { line } = await createLine();
    const stranger = { ...line, vapiPhoneNumberId: "pn-unknown", vapiAssistantId: "asst-unknown" };
    expect((await deliver(vapiMessage("status-update", stranger))).status).toBe(200);
    expect(await callRow(line.vapiCallId)).toBeUndefined();
  });
});

describe("transcript", () => {
  it("final utterances delivered twice and out of order are stored once each, in order; partials are not stored", async () => {
    const { line } = await createLine();
    const say = (at: number, role: string, text: string) => vapiMessage("transcript-final", line, { timestamp: at, role, transcript: text });
    const lines = [say(1795689001000, "assistant", "Hi, thanks for calling!"), say(1795689004000, "user", "Are you open Sunday?"), say(1795689006000, "assistant", "We're closed on Sundays.")];
    await Promise.all([lines[2], lines[0], lines[2], lines[1], lines[0]].map((body) => deliver(body)));
    await deliver(vapiMessage("transcript-final", line, { type: "transcript", transcriptType: "partial", transcript: "Are you op" }));
    const row = await callRow(line.vapiCallId);
    expect(row?.liveTranscript.map((u) => `${u.role}: ${u.text}`)).toEqual(["assistant: Hi, thanks for calling!", "user: Are you open Sunday?", "assistant: We're closed on Sundays."]);
  });
});

describe("end-of-call-report", () => {
  it("delivered 10 times at once: one call row, one debit, one Sheets message, one call e-mail", async () => {
    const { owner, line } = await createLine({ credits: 30, sheetsLogging: true, notify: "important" });
    await deliver(vapiMessage("assistant-request", line));
    const queue = recordingQueue<SideEffectMessage>();
    const report = vapiMessage("end-of-call-report", line);
    const responses = await Promise.all(Array.from({ length: 10 }, () => deliverRecording(report, queue)));
    // One delivery acts; one that arrives while it does is told to retry (503 busy), later ones are duplicates.
    const answers = await Promise.all(responses.map(async (r) => ({ status: r.response.status, body: (await r.response.json()) as { outcome?: string; error?: { code: string } } })));
    expect(answers.filter((a) => a.body.outcome === "stored")).toHaveLength(1);
    for (const answer of answers) expect(answer.status === 200 ? answer.body.outcome : answer.body.error?.code).toMatch(/^(stored|duplicate|busy)$/);
    expect((await deliverRecording(report, queue)).response.status).toBe(200);
    const rows = await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId));
    expect(rows).toHaveLength(1);
    // 09:10:03 → 09:13:08 is 185 s: 4 credits.
    expect(rows[0]).toMatchObject({
      status: "ended",
      durationSeconds: 185,
      creditsCharged: 4,
      endedReason: "customer-ended-call",
      summary: expect.stringContaining("keratin"),
      recordingUrl: expect.stringContaining("mono.wav"),
      vapiCost: "0.2143",
      structuredData: expect.objectContaining({ followUpNeeded: true }),
    });
    expect(rows[0]?.messages).toHaveLength(6);
    const { rows: ledger, balance } = await expectLedgerConsistent(owner.user.id);
    expect(ledger.filter((row) => row.kind === "call").map((row) => [row.delta, row.callId])).toEqual([[-4, rows[0]?.id]]);
    expect(balance).toBe(26);
    expect(queue.sent.map((m) => m.type).sort()).toEqual(["email.call_summary", "sheets.append_call"]);
    // Late messages change nothing: a status or a transcript after the report.
    await deliver(vapiMessage("status-update", line));
    await deliver(vapiMessage("transcript-final", line));
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "ended", liveTranscript: [], durationSeconds: 185 });
    expect(await (await call("/api/credits", { cookie: owner.cookie })).json()).toMatchObject({ balance: 26, reserved: 0, available: 26 });
  });

  it("a report before any other message creates the call and settles without a hold", async () => {
    const { owner, line } = await createLine({ credits: 5, notify: "none" });
    const { queue } = await deliverRecording(vapiMessage("end-of-call-report-legacy", line));
    expect(await callRow(line.vapiCallId)).toMatchObject({ durationSeconds: 42, creditsCharged: 1, summary: "A short call asking for opening hours.", recordingUrl: "https://storage.vapi.ai/legacy-mono.wav" });
    expect(queue.sent).toEqual([]);
    expect((await expectLedgerConsistent(owner.user.id)).balance).toBe(4);
  });

  it("a report we could tie to nobody is not kept as done: its redelivery that names the number is stored and charged once, and a late assistant-request holds nothing", async () => {
    const { owner, line } = await createLine({ credits: 30, notify: "none" });
    expect((await deliver<{ outcome: string }>(byCallIdOnly(vapiMessage("end-of-call-report", line), line))).body.outcome).toBe("unknown_call");
    // With only the call id, nothing says whose call it is: recorded, not billed (and no row to settle later).
    expect(await callRow(line.vapiCallId)).toBeUndefined();
    // Its redelivery with the number and assistant is the report of the call: stored and charged.
    expect((await deliver<{ outcome: string }>(vapiMessage("end-of-call-report", line))).body.outcome).toBe("stored");
    await deliver(vapiMessage("assistant-request", line));
    expect(await creditAccount(testEnv, owner.user.id).reserved()).toBe(0);
    expect((await deliver<{ outcome: string }>(vapiMessage("end-of-call-report", line))).body.outcome).toBe("duplicate");
    const row = await callRow(line.vapiCallId);
    expect(row).toMatchObject({ status: "ended", creditsCharged: 4 });
    expect((await expectLedgerConsistent(owner.user.id)).balance).toBe(26);
  });

  it("notify: important sends nothing for a routine call, all sends it, a refused call is important", async () => {
    const routine = { appointmentBooked: false, followUpNeeded: false, callerName: "", reasonForCalling: "hours" };
    const quiet = await createLine({ notify: "important" });
    const a = await deliverRecording(vapiMessage("end-of-call-report", quiet.line, { analysis: { summary: "Hours.", structuredData: routine } }));
    expect(a.queue.sent).toEqual([]);
    const chatty = await createLine({ notify: "all" });
    const b = await deliverRecording(vapiMessage("end-of-call-report", chatty.line, { analysis: { summary: "Hours.", structuredData: routine } }));
    expect(b.queue.sent.map((m) => m.type)).toEqual(["email.call_summary"]);
    const broke = await createLine({ credits: 0, notify: "important", sheetsLogging: true });
    await deliver(vapiMessage("assistant-request", broke.line));
    const c = await deliverRecording(vapiMessage("end-of-call-report", broke.line, { analysis: { structuredData: routine } }));
    expect(c.queue.sent.map((m) => m.type)).toEqual(["email.call_summary"]);
    expect(await callRow(broke.line.vapiCallId)).toMatchObject({ status: "refused", refusedReason: "out_of_credit", creditsCharged: 0 });
  });

  it("a report whose call carries only its id is stored on the call we opened, charged, and its hold released", async () => {
    const { owner, line } = await createLine({ credits: 30, notify: "none" });
    await deliver(vapiMessage("assistant-request", line));
    expect(await creditAccount(testEnv, owner.user.id).reserved()).toBe(10);
    const answer = await deliver<{ outcome: string }>(byCallIdOnly(vapiMessage("end-of-call-report", line), line));
    expect(answer).toEqual({ status: 200, body: { received: true, outcome: "stored" } });
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "ended", durationSeconds: 185, creditsCharged: 4, summary: expect.stringContaining("keratin") });
    expect(await creditAccount(testEnv, owner.user.id).reserved()).toBe(0);
    expect((await expectLedgerConsistent(owner.user.id)).balance).toBe(26);
  });

  it("status updates and transcripts that name only the call id move the call we opened", async () => {
    const { line } = await createLine({ notify: "none" });
    await deliver(vapiMessage("assistant-request", line));
    await deliver(byCallIdOnly(vapiMessage("status-update", line), line));
    await deliver(byCallIdOnly(vapiMessage("transcript-final", line), line));
    const row = await callRow(line.vapiCallId);
    expect(row).toMatchObject({ status: "in-progress", startedAt: new Date(1795689003456) });
    expect(row?.liveTranscript).toHaveLength(1);
  });

  it("a report with no timing is billed from the status updates we saw, else at its hold: never free", async () => {
    const seen = await createLine({ credits: 30, notify: "none" });
    await deliver(vapiMessage("assistant-request", seen.line));
    await deliver(vapiMessage("status-update", seen.line));
    await deliver(vapiMessage("status-update-ended", seen.line));
    await deliver(withoutTiming(vapiMessage("end-of-call-report", seen.line)));
    // in-progress at …003.456, ended at …190.000: 187 s, 4 credits.
    expect(await callRow(seen.line.vapiCallId)).toMatchObject({ status: "ended", durationSeconds: 187, creditsCharged: 4 });

    const unseen = await createLine({ credits: 30, notify: "none" });
    await deliver(vapiMessage("assistant-request", unseen.line));
    await deliver(byCallIdOnly(withoutTiming(vapiMessage("end-of-call-report", unseen.line)), unseen.line));
    expect(await callRow(unseen.line.vapiCallId)).toMatchObject({ status: "ended", durationSeconds: null, creditsCharged: 10 });
    expect(await creditAccount(testEnv, unseen.owner.user.id).reserved()).toBe(0);
    expect((await expectLedgerConsistent(unseen.owner.user.id)).balance).toBe(20);
  });

  it("a report whose ended reason is only on its call (Vapi's call-queue example) keeps it; so does a status update", async () => {
    const { line } = await createLine({ credits: 30, notify: "none" });
    await deliver(vapiMessage("assistant-request", line));
    const { endedReason: _r, ...update } = byCallIdOnly(vapiMessage("status-update-ended", line), line).message;
    await deliver({ message: { ...update, call: { id: line.vapiCallId, endedReason: "customer-ended-call" } } });
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "ended", endedReason: "customer-ended-call" });
    const other = await createLine({ credits: 30, notify: "none" });
    await deliver(vapiMessage("assistant-request", other.line));
    const bare = { message: { type: "end-of-call-report", call: { id: other.line.vapiCallId, status: "ended", endedReason: "assistant-ended-call" } } };
    expect((await deliver<{ outcome: string }>(bare)).body.outcome).toBe("stored");
    expect(await callRow(other.line.vapiCallId)).toMatchObject({ status: "ended", endedReason: "assistant-ended-call" });
  });

  it("two duration fields that disagree are no timing: billed from the status updates we saw, not from either field", async () => {
    const { owner, line } = await createLine({ credits: 30, notify: "none" });
    await deliver(vapiMessage("assistant-request", line));
    await deliver(vapiMessage("status-update", line));
    await deliver(vapiMessage("status-update-ended", line));
    const report = withoutTiming(vapiMessage("end-of-call-report", line));
    await deliver({ message: { ...report.message, durationSeconds: 42, durationMs: 900_000 } });
    // in-progress at …003.456, ended at …190.000: 187 s, 4 credits.
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "ended", durationSeconds: 187, creditsCharged: 4 });
    expect((await expectLedgerConsistent(owner.user.id)).balance).toBe(26);
  });

  it("a time the database cannot read is no time, not a 5xx on every retry", async () => {
    const { line } = await createLine({ credits: 30, notify: "none" });
    await deliver(vapiMessage("assistant-request", line));
    const status = vapiMessage("status-update", line);
    const started = await deliver({ message: { ...status.message, call: { ...status.message.call, startedAt: "2026-11-31T25:00:00Z" } } });
    expect(started.status).toBe(200);
    const report = withoutTiming(vapiMessage("end-of-call-report", line));
    const answer = await deliver<{ outcome: string }>({ message: { ...report.message, startedAt: "not a time", endedAt: "+275760-09-13T00:00:00.000Z", call: { ...report.message.call, endedAt: "yesterday" } } });
    expect(answer).toEqual({ status: 200, body: { received: true, outcome: "stored" } });
    // The status update's own time stands in for the unreadable start; no end was readable: the hold.
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "ended", durationSeconds: null, creditsCharged: 10 });
  });

  it("90 credits, 30 calls at once: 9 accepted, and 900 s reports charge each accepted call at most its hold", async () => {
    const { owner, newCall } = await createLine({ credits: 90, notify: "none" });
    const lines = Array.from({ length: 30 }, () => newCall());
    const answers = await Promise.all(lines.map((l) => deliver<{ assistantId?: string }>(vapiMessage("assistant-request", l))));
    const accepted = lines.filter((_, i) => answers[i]?.body.assistantId);
    expect(accepted).toHaveLength(9);
    // Vapi ended each call at its maxDurationSeconds; these reports claim 15 minutes.
    const long = { startedAt: "2026-11-26T09:00:00.000Z", endedAt: "2026-11-26T09:15:00.000Z" };
    await Promise.all(lines.map((l) => deliver(vapiMessage("end-of-call-report", l, long))));
    const rows = await Promise.all(accepted.map((l) => callRow(l.vapiCallId)));
    expect(rows.map((row) => row?.creditsCharged)).toEqual(Array(9).fill(10));
    const { rows: ledger, balance } = await expectLedgerConsistent(owner.user.id);
    expect(ledger.filter((row) => row.kind === "call").map((row) => row.delta)).toEqual(Array(9).fill(-10));
    expect(balance).toBe(0);
    expect(await creditAccount(testEnv, owner.user.id).reserved()).toBe(0);
  });

  it("a report for an assistant and number we do not have is recorded and answered 200", async () => {
    const { line } = await createLine();
    const stranger = { ...line, vapiPhoneNumberId: "pn-gone", vapiAssistantId: "asst-gone" };
    const first = await deliver<{ outcome: string }>(vapiMessage("end-of-call-report", stranger));
    expect(first).toEqual({ status: 200, body: { received: true, outcome: "unknown_call" } });
    // Nothing was stored, so nothing is kept as done: a redelivery looks again (and finds nobody again).
    expect((await deliver<{ outcome: string }>(vapiMessage("end-of-call-report", stranger))).body.outcome).toBe("unknown_call");
  });
});
