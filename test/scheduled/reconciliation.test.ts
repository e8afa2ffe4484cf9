/**
 * Reports lost, duplicated and reordered on purpose (issue 17, ADR 0410): every call ends
 * charged exactly once and the ledger stays exact. Reports that never arrive are settled by
 * reconciliation (services/calls/reconcile.ts) from what we kept of an unparsable delivery, else
 * from Vapi's `GET /call/{id}` (the stand-in, told about the calls); a late real report after
 * that is a duplicate. The clock is fixed: reconciliation runs "26 minutes later", past every
 * hold's expiry (call cap + grace), and report waits return at once.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls, creditTransactions, undeliveredVendorMessages } from "../../src/db/schema";
import { CALL_CAP_SECONDS, HOLD_GRACE_SECONDS } from "../../src/services/calls/deps";
import { reconcileUnreportedCalls } from "../../src/services/calls/reconcile";
import { keepUndeliveredVapiMessage, replayUndelivered, undeliveredForCall } from "../../src/services/calls/undelivered";
import { createServices } from "../../src/services/create-services";
import { creditAccount } from "../../src/services/credits";
import { expectLedgerConsistent } from "../support/credits";
import { db } from "../support/db";
import { testEnv } from "../support/env";
import { callAtVapi, vapi } from "../support/vapi";
import { createLine, deliver, type Line, vapiMessage } from "../support/vapi-webhook";

const instantly = async () => undefined;
const later = () => new Date(Date.now() + (CALL_CAP_SECONDS + HOLD_GRACE_SECONDS + 60) * 1000);
const callRow = async (vapiCallId: string) => (await db.select().from(calls).where(eq(calls.vapiCallId, vapiCallId)))[0];
const chargesOf = async (callRowId: string | undefined) =>
  callRowId ? (await db.select().from(creditTransactions).where(eq(creditTransactions.callId, callRowId))).map((row) => row.delta) : [];

/** Vapi's record of an ended call on `line`, lasting `seconds` (or with no timing at all). */
function vapiCall(line: Line, seconds: number | null) {
  const report = vapiMessage("end-of-call-report", line).message;
  const startedAt = "2026-11-26T09:10:00.000Z";
  const timing = seconds === null ? {} : { startedAt, endedAt: new Date(Date.parse(startedAt) + seconds * 1000).toISOString() };
  return {
    id: line.vapiCallId,
    status: "ended" as const,
    endedReason: "customer-ended-call" as const,
    phoneNumberId: line.vapiPhoneNumberId,
    assistantId: line.vapiAssistantId,
    customer: { number: "+15125550147" },
    cost: 0.21,
    artifact: report.artifact,
    analysis: report.analysis,
    ...timing,
  };
}

describe("reconciliation: reports lost, duplicated and reordered", () => {
  it("settles every call once, from a kept message or from Vapi; late reports and reruns change nothing", async () => {
    const { owner, newCall } = await createLine({ credits: 100, notify: "none" });
    const deps = createServices(testEnv);
    const [lost, lostUntimed, duplicated, reordered, kept, vapiDown] = Array.from({ length: 6 }, newCall) as [Line, Line, Line, Line, Line, Line];
    for (const line of [lost, lostUntimed, duplicated, kept, vapiDown]) await deliver(vapiMessage("assistant-request", line));

    // lost: the call ran 125 s and its report never came.
    await deliver(vapiMessage("status-update", lost));
    await callAtVapi(vapiCall(lost, 125));
    // lostUntimed: report lost, and Vapi's record carries no timing: charged its hold, never free.
    await callAtVapi(vapiCall(lostUntimed, null));
    // duplicated: the report delivered three times at once.
    await Promise.all(Array.from({ length: 3 }, () => deliver(vapiMessage("end-of-call-report", duplicated))));
    // reordered: the report first, then the status updates (ended never goes back).
    await deliver(vapiMessage("end-of-call-report", reordered));
    await deliver(vapiMessage("status-update-ended", reordered));
    await deliver(vapiMessage("status-update", reordered));
    // kept: the real report was refused by an older parser and kept whole; Vapi does not know the call.
    await keepUndeliveredVapiMessage(deps, JSON.stringify(vapiMessage("end-of-call-report", kept, { startedAt: null, endedAt: null, durationSeconds: 61 })), "older parser refused it");
    // vapiDown: report lost, and Vapi fails on the first run (the SDK tries twice).
    await callAtVapi(vapiCall(vapiDown, 300));
    await vapi.fault({ method: "GET", path: `/call/${vapiDown.vapiCallId}`, status: 503, times: 2 });

    const first = await reconcileUnreportedCalls(deps, { now: later(), businessId: owner.user.id, wait: instantly });
    expect(first.applied.map((a) => [a.vapiCallId, a.from, a.outcome]).sort()).toEqual(
      [
        [lost.vapiCallId, "vapi", "stored"],
        [lostUntimed.vapiCallId, "vapi", "stored"],
        [kept.vapiCallId, "kept_message", "stored"],
      ].sort(),
    );
    expect(first.skipped).toEqual([{ vapiCallId: vapiDown.vapiCallId, reason: "failed" }]);

    const second = await reconcileUnreportedCalls(deps, { now: later(), businessId: owner.user.id, wait: instantly });
    expect(second.applied).toEqual([{ vapiCallId: vapiDown.vapiCallId, from: "vapi", outcome: "stored" }]);
    // Nothing left: a third run examines nothing.
    expect((await reconcileUnreportedCalls(deps, { now: later(), businessId: owner.user.id, wait: instantly })).examined).toBe(0);

    // The late real reports after reconciliation are duplicates.
    expect((await deliver<{ outcome: string }>(vapiMessage("end-of-call-report", lost))).body.outcome).toBe("duplicate");
    expect((await deliver<{ outcome: string }>(vapiMessage("end-of-call-report", vapiDown))).body.outcome).toBe("duplicate");

    // 125 s → 3; no timing → the hold (10); 185 s → 4 (twice); 61 s → 2; 300 s → 5. Each once.
    const expected: [Line, number, object][] = [
      [lost, 3, { durationSeconds: 125, summary: expect.stringContaining("keratin") }],
      [lostUntimed, 10, { durationSeconds: null }],
      [duplicated, 4, { durationSeconds: 185 }],
      [reordered, 4, { durationSeconds: 185 }],
      [kept, 2, { durationSeconds: 61 }],
      [vapiDown, 5, { durationSeconds: 300 }],
    ];
    for (const [line, credits, fields] of expected) {
      const row = await callRow(line.vapiCallId);
      expect(row).toMatchObject({ status: "ended", creditsCharged: credits, ...fields });
      expect(await chargesOf(row?.id)).toEqual([-credits]);
    }
    expect(await undeliveredForCall(db, kept.vapiCallId)).toEqual([]);
    const { balance } = await expectLedgerConsistent(owner.user.id);
    expect(balance).toBe(100 - 3 - 10 - 4 - 4 - 2 - 5);
    expect(await creditAccount(testEnv, owner.user.id).reserved()).toBe(0);
  });

  it("a report redelivered while two reconciliations run for its call: one charge, and the row says what was charged", async () => {
    const { owner, newCall } = await createLine({ credits: 100, notify: "none" });
    const deps = createServices(testEnv);
    const lines = Array.from({ length: 4 }, newCall);
    for (const line of lines) {
      await deliver(vapiMessage("assistant-request", line));
      // Vapi's record says 125 s (3 credits); the report, 185 s (4 credits).
      await callAtVapi(vapiCall(line, 125));
    }
    const now = later();
    await Promise.all([
      ...lines.flatMap((line) => [deliver(vapiMessage("end-of-call-report", line)), deliver(vapiMessage("end-of-call-report", line))]),
      reconcileUnreportedCalls(deps, { now, businessId: owner.user.id, wait: instantly }),
      reconcileUnreportedCalls(deps, { now, businessId: owner.user.id, wait: instantly }),
    ]);
    let total = 0;
    for (const line of lines) {
      const row = await callRow(line.vapiCallId);
      const charges = await chargesOf(row?.id);
      expect(charges, line.vapiCallId).toHaveLength(1);
      const charged = -(charges[0] ?? 0);
      total += charged;
      // Whichever version settled, the row holds that version: its length and its charge agree.
      expect(row, line.vapiCallId).toMatchObject({ status: "ended", creditsCharged: charged, durationSeconds: charged === 3 ? 125 : 185 });
    }
    expect((await reconcileUnreportedCalls(deps, { now, businessId: owner.user.id, wait: instantly })).examined).toBe(0);
    expect((await expectLedgerConsistent(owner.user.id)).balance).toBe(100 - total);
    expect(await creditAccount(testEnv, owner.user.id).reserved()).toBe(0);
  });

  it("a call whose hold has not expired, or that was refused, is left alone", async () => {
    const { owner, line, newCall } = await createLine({ credits: 0, notify: "none" });
    await deliver(vapiMessage("assistant-request", line));
    const deps = createServices(testEnv);
    expect((await reconcileUnreportedCalls(deps, { now: later(), businessId: owner.user.id })).examined).toBe(0);
    const fresh = newCall();
    await deliver(vapiMessage("status-update", fresh));
    expect((await reconcileUnreportedCalls(deps, { now: new Date(), businessId: owner.user.id })).examined).toBe(0);
  });
});

describe("reconciliation: what Vapi cannot tell us", () => {
  it("a call Vapi does not know (404) or has not ended is skipped, charged nothing, and tried again on a later run", async () => {
    const { owner, line, newCall } = await createLine({ credits: 20, notify: "none" });
    const running = newCall();
    await deliver(vapiMessage("assistant-request", line));
    await deliver(vapiMessage("assistant-request", running));
    await callAtVapi({ ...vapiCall(running, null), status: "in-progress" });
    const deps = createServices(testEnv);
    for (let run = 0; run < 2; run++) {
      const result = await reconcileUnreportedCalls(deps, { now: later(), businessId: owner.user.id, wait: instantly });
      expect(result.applied).toEqual([]);
      expect(result.skipped.sort((a, b) => a.reason.localeCompare(b.reason))).toEqual([
        { vapiCallId: running.vapiCallId, reason: "not_ended:in-progress" },
        { vapiCallId: line.vapiCallId, reason: "not_found_at_vapi" },
      ]);
    }
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "queued", creditsCharged: 0 });
    expect((await expectLedgerConsistent(owner.user.id)).balance).toBe(20);
  });
});

describe("undelivered vendor messages", () => {
  it("a signed report we cannot parse answers 400 and is kept whole, once; a replay that still cannot read it changes nothing", async () => {
    const { line } = await createLine({ notify: "none" });
    const body = vapiMessage("end-of-call-report", line, { artifact: { messages: "not a list" } });
    for (let i = 0; i < 2; i++) expect((await deliver(body)).status).toBe(400);
    const kept = await db.select().from(undeliveredVendorMessages).where(eq(undeliveredVendorMessages.vapiCallId, line.vapiCallId));
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ provider: "vapi", type: "end-of-call-report", rawBody: JSON.stringify(body), appliedAt: null });
    expect(kept[0]?.reason).toContain("message.artifact.messages");
    const deps = createServices(testEnv);
    const id = kept[0]?.id ?? "";
    expect(await replayUndelivered(deps, id)).toMatchObject({ status: "unreadable" });
    expect((await db.select().from(undeliveredVendorMessages).where(eq(undeliveredVendorMessages.id, id)))[0]).toMatchObject({ attempts: 1, appliedAt: null });
    expect(await callRow(line.vapiCallId)).toBeUndefined();
  });

  it("a replay applies a kept report through the normal handling once; again it is already applied", async () => {
    const { owner, line } = await createLine({ credits: 20, notify: "none" });
    await deliver(vapiMessage("assistant-request", line));
    const deps = createServices(testEnv);
    await keepUndeliveredVapiMessage(deps, JSON.stringify(vapiMessage("end-of-call-report", line)), "kept by an older parser");
    const [id] = await undeliveredForCall(db, line.vapiCallId);
    expect(await replayUndelivered(deps, id ?? "")).toEqual({ status: "applied", outcome: "stored" });
    expect(await replayUndelivered(deps, id ?? "")).toEqual({ status: "already_applied", outcome: "stored" });
    expect(await callRow(line.vapiCallId)).toMatchObject({ status: "ended", creditsCharged: 4 });
    expect((await expectLedgerConsistent(owner.user.id)).balance).toBe(16);
  });
});
