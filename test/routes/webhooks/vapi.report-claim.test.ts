/**
 * The end-of-call report's claim (services/calls/claims.ts, report.ts) when the delivery that
 * took it died: it claimed the report, settled the credits and was killed before it stored its
 * outcome or queued the side effects. A redelivery within the claim's 2 minutes is told to retry
 * (503 `busy`, so Vapi's backoff delivers it again, instead of a 200 that would lose the report);
 * the first redelivery after 2 minutes takes the claim over and applies the report once. Time
 * is a fixed clock passed as `now`.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls } from "../../../src/db/schema";
import { parseVapiMessage } from "../../../src/integrations/vapi/messages";
import type { SideEffectMessage } from "../../../src/queues/messages";
import { claimEvent } from "../../../src/services/calls/claims";
import { handleEndOfCallReport, REPORT_CLAIM_TTL_SECONDS, reportEventId } from "../../../src/services/calls/report";
import { createServices } from "../../../src/services/create-services";
import { creditAccount } from "../../../src/services/credits";
import { expectLedgerConsistent } from "../../support/credits";
import { db } from "../../support/db";
import { bindingsWith, recordingQueue, testEnv } from "../../support/env";
import { call } from "../../support/http";
import { createLine, deliver, signVapi, type VapiBody, vapiMessage } from "../../support/vapi-webhook";

const seconds = (from: Date, s: number) => new Date(from.getTime() + s * 1000);

function reportMessage(body: VapiBody) {
  const parsed = parseVapiMessage(body);
  if (parsed.kind !== "message" || parsed.message.type !== "end-of-call-report") throw new Error("not a report");
  return parsed.message;
}

describe("end-of-call-report: the claim of a delivery that died", () => {
  it("within 2 minutes a redelivery is told to retry (503); after 2 minutes one takes it over and applies once", async () => {
    const { owner, line } = await createLine({ credits: 30, sheetsLogging: true, notify: "all" });
    await deliver(vapiMessage("assistant-request", line));
    const body = vapiMessage("end-of-call-report", line);
    const queue = recordingQueue<SideEffectMessage>();
    const deps = createServices(bindingsWith({ SIDE_EFFECTS: queue }));

    // The first delivery: claimed, settled (09:10:03 → 09:13:08 is 185 s: 4 credits), then killed.
    const died = new Date();
    expect(await claimEvent(db, "vapi", reportEventId(line.vapiCallId), REPORT_CLAIM_TTL_SECONDS, died)).toEqual({ claimed: true });
    expect(await creditAccount(testEnv, owner.user.id).settle({ callId: line.vapiCallId, seconds: 185 })).toMatchObject({ ok: true, charged: 4 });

    // Redelivered through the webhook at once: 503 busy with Retry-After, nothing more written.
    const payload = JSON.stringify(body);
    const soon = await call("/api/webhooks/vapi", { method: "POST", body: payload, headers: { "content-type": "application/json", ...(await signVapi(payload)) }, env: bindingsWith({ SIDE_EFFECTS: queue }) });
    expect(soon.status).toBe(503);
    expect(soon.headers.get("retry-after")).toBe("30");
    expect(((await soon.json()) as { error: { code: string } }).error.code).toBe("busy");
    // Still inside the 2 minutes: the same answer.
    expect(await handleEndOfCallReport(deps, reportMessage(body), seconds(died, REPORT_CLAIM_TTL_SECONDS - 1))).toBe("in_progress");
    expect(queue.sent).toEqual([]);
    expect((await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId)))[0]).toMatchObject({ durationSeconds: null, creditsCharged: 0 });

    // After the 2 minutes the redelivery takes the claim over and does the rest, once.
    expect(await handleEndOfCallReport(deps, reportMessage(body), seconds(died, REPORT_CLAIM_TTL_SECONDS + 1))).toBe("stored");
    expect(await handleEndOfCallReport(deps, reportMessage(body), seconds(died, REPORT_CLAIM_TTL_SECONDS + 2))).toBe("duplicate");
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

  it("a claim whose delivery finished is a duplicate at any time, never taken over", async () => {
    const { line } = await createLine({ credits: 10, notify: "none" });
    const body = vapiMessage("end-of-call-report", line);
    const deps = createServices(testEnv);
    const at = new Date();
    expect(await handleEndOfCallReport(deps, reportMessage(body), at)).toBe("stored");
    expect(await handleEndOfCallReport(deps, reportMessage(body), seconds(at, 10 * REPORT_CLAIM_TTL_SECONDS))).toBe("duplicate");
  });
});
