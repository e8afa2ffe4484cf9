/**
 * The end-of-call report's claim (services/calls/claims.ts, report.ts) when another delivery
 * holds it. A delivery that died (it claimed the report, settled the credits and was killed
 * before it stored its outcome): a redelivery inside the claim's TTL waits briefly, then is
 * told to retry (503 `busy`, instead of a 200 that would lose the report); a retry of the
 * assistants' backoff plan lands after the TTL, takes the claim over and applies the report
 * once. A delivery still working: a concurrent duplicate waits for it and answers its outcome.
 * Time is a fixed clock passed as `now`, and the waits return at once.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls } from "../../../src/db/schema";
import { parseVapiMessage } from "../../../src/integrations/vapi/messages";
import { WEBHOOK_BACKOFF, WEBHOOK_TIMEOUT_SECONDS } from "../../../src/services/assistant";
import { claimEvent, completeEvent, releaseEvent } from "../../../src/services/calls/claims";
import { handleEndOfCallReport, REPORT_CLAIM_TTL_SECONDS, REPORT_WAIT_MS, reportEventId } from "../../../src/services/calls/report";
import { createServices } from "../../../src/services/create-services";
import { creditAccount } from "../../../src/services/credits";
import type { SideEffectMessage } from "../../../src/side-effects/messages";
import { expectLedgerConsistent } from "../../support/credits";
import { db } from "../../support/db";
import { bindingsWith, recordingQueue, testEnv } from "../../support/env";
import { call } from "../../support/http";
import { createLine, deliver, signVapi, type VapiBody, vapiMessage } from "../../support/vapi-webhook";

const seconds = (from: Date, s: number) => new Date(from.getTime() + s * 1000);
const instantly = async () => undefined;

function reportMessage(body: VapiBody) {
  const parsed = parseVapiMessage(body);
  if (parsed.kind !== "message" || parsed.message.type !== "end-of-call-report") throw new Error("not a report");
  return parsed.message;
}

/** When Vapi's retries of a failed delivery land, in seconds after it (exponential from the base delay). */
function retryTimes(plan: { maxRetries: number; baseDelaySeconds: number }): number[] {
  const times: number[] = [];
  let at = 0;
  for (let retry = 0; retry < plan.maxRetries; retry++) {
    at += plan.baseDelaySeconds * 2 ** retry;
    times.push(at);
  }
  return times;
}

describe("end-of-call-report: a claim another delivery holds", () => {
  it("the backoff plan's retries outlast a dead delivery's claim, and a live one is never overtaken", () => {
    // A delivery Vapi still waits for (timeoutSeconds) is alive: its claim must not be stale yet.
    expect(REPORT_CLAIM_TTL_SECONDS).toBeGreaterThan(WEBHOOK_TIMEOUT_SECONDS);
    expect(REPORT_WAIT_MS).toBeLessThan(WEBHOOK_TIMEOUT_SECONDS * 1000 / 2);
    // At least two retries after the TTL (plus the wait): one to take over, one spare for a blip.
    const late = retryTimes(WEBHOOK_BACKOFF).filter((at) => at > REPORT_CLAIM_TTL_SECONDS + REPORT_WAIT_MS / 1000);
    expect(late.length).toBeGreaterThanOrEqual(2);
    expect(WEBHOOK_BACKOFF.maxRetries).toBeLessThanOrEqual(10);
    expect(WEBHOOK_BACKOFF.baseDelaySeconds).toBeLessThanOrEqual(10);
  });

  it("a dead delivery: inside the TTL a redelivery is told to retry (503); the plan's first retry after it takes over and applies once", async () => {
    const { owner, line } = await createLine({ credits: 30, sheetsLogging: true, notify: "all" });
    await deliver(vapiMessage("assistant-request", line));
    const body = vapiMessage("end-of-call-report", line);
    const queue = recordingQueue<SideEffectMessage>();
    const deps = createServices(bindingsWith({ SIDE_EFFECTS: queue }));

    // The first delivery: claimed, settled (09:10:03 → 09:13:08 is 185 s: 4 credits), then killed.
    const died = new Date();
    expect(await claimEvent(db, "vapi", reportEventId(line.vapiCallId), REPORT_CLAIM_TTL_SECONDS, died)).toEqual({ claimed: true });
    expect(await creditAccount(testEnv, owner.user.id).settle({ callId: line.vapiCallId, seconds: 185 })).toMatchObject({ ok: true, charged: 4 });

    // Redelivered through the webhook at once: it waits, then 503 busy with Retry-After, nothing more written.
    const payload = JSON.stringify(body);
    const soon = await call("/api/webhooks/vapi", { method: "POST", body: payload, headers: { "content-type": "application/json", ...(await signVapi(payload)) }, env: bindingsWith({ SIDE_EFFECTS: queue }) });
    expect(soon.status).toBe(503);
    expect(soon.headers.get("retry-after")).toBe(String(REPORT_CLAIM_TTL_SECONDS));
    expect(((await soon.json()) as { error: { code: string } }).error.code).toBe("busy");
    // Every retry of the plan that lands before the claim is stale gets the same answer.
    const retries = retryTimes(WEBHOOK_BACKOFF);
    for (const at of retries.filter((t) => t + REPORT_WAIT_MS / 1000 < REPORT_CLAIM_TTL_SECONDS)) {
      expect(await handleEndOfCallReport(deps, reportMessage(body), { now: seconds(died, at), wait: instantly })).toBe("in_progress");
    }
    expect(queue.sent).toEqual([]);
    expect((await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId)))[0]).toMatchObject({ durationSeconds: null, creditsCharged: 0 });

    // The first retry after the TTL takes the claim over and does the rest, once.
    const takeover = retries.find((t) => t > REPORT_CLAIM_TTL_SECONDS);
    if (takeover === undefined) throw new Error("no retry of the backoff plan lands after the claim's TTL");
    expect(await handleEndOfCallReport(deps, reportMessage(body), { now: seconds(died, takeover), wait: instantly })).toBe("stored");
    expect(await handleEndOfCallReport(deps, reportMessage(body), { now: seconds(died, takeover + 1), wait: instantly })).toBe("duplicate");
    expect((await deliver<{ outcome: string }>(body)).body).toEqual({ received: true, outcome: "duplicate" });

    const rows = await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: "ended", durationSeconds: 185, creditsCharged: 4, summary: expect.stringContaining("keratin") });
    const { rows: ledger, balance } = await expectLedgerConsistent(owner.user.id);
    expect(ledger.filter((row) => row.kind === "call").map((row) => row.delta)).toEqual([-4]);
    expect(balance).toBe(26);
    expect(queue.sent.map((m) => m.type).sort()).toEqual(["email.call_summary", "sheets.append_call"]);
    expect(await creditAccount(testEnv, owner.user.id).reserved()).toBe(0);
  });

  it("a concurrent duplicate waits for the delivery still working and answers its outcome, not 503", async () => {
    const { line } = await createLine({ credits: 10, notify: "none" });
    const body = vapiMessage("end-of-call-report", line);
    const deps = createServices(testEnv);
    const at = new Date();
    const eventId = reportEventId(line.vapiCallId);
    expect(await claimEvent(db, "vapi", eventId, REPORT_CLAIM_TTL_SECONDS, at)).toEqual({ claimed: true });
    let looks = 0;
    // The holder finishes while the duplicate waits (on its second look).
    const wait = async () => {
      if (++looks === 2) await completeEvent(db, "vapi", eventId, "settled:4");
    };
    expect(await handleEndOfCallReport(deps, reportMessage(body), { now: at, wait })).toBe("duplicate");
    expect(looks).toBe(2);
  });

  it("a duplicate whose holder failed (and released the claim) while it waited acts itself", async () => {
    const { owner, line } = await createLine({ credits: 10, notify: "none" });
    await deliver(vapiMessage("assistant-request", line));
    const deps = createServices(testEnv);
    const at = new Date();
    const eventId = reportEventId(line.vapiCallId);
    expect(await claimEvent(db, "vapi", eventId, REPORT_CLAIM_TTL_SECONDS, at)).toEqual({ claimed: true });
    const wait = () => releaseEvent(db, "vapi", eventId);
    expect(await handleEndOfCallReport(deps, reportMessage(vapiMessage("end-of-call-report", line)), { now: at, wait })).toBe("stored");
    expect((await expectLedgerConsistent(owner.user.id)).balance).toBe(6);
  });

  it("a claim whose delivery finished is a duplicate at any time, never taken over", async () => {
    const { line } = await createLine({ credits: 10, notify: "none" });
    const body = vapiMessage("end-of-call-report", line);
    const deps = createServices(testEnv);
    const at = new Date();
    expect(await handleEndOfCallReport(deps, reportMessage(body), at)).toBe("stored");
    expect(await handleEndOfCallReport(deps, reportMessage(body), seconds(at, 10 * REPORT_CLAIM_TTL_SECONDS))).toBe("duplicate");
  });
});
