/**
 * Fault drill: the database endpoint stops in the middle of a call. The call started while it
 * was up (assistant-request answered, credits held); then the endpoint goes away, and a second
 * call rings, the first one's status updates and its end-of-call report arrive; then it comes
 * back and Vapi redelivers. What this proves: during the outage assistant-request,
 * status-update and end-of-call-report answer 503 `database_unavailable` (a 5xx, so Vapi
 * retries) and write nothing — no call row, no hold for the call that could not be answered,
 * no debit, nothing queued; once the endpoint is back the redelivered messages apply once: one
 * call row, one ledger debit, one Sheets message and one call e-mail, the hold released, and
 * the ledger check (db:check-ledger's invariant) holds. (The outage is the worker pointed at a
 * database endpoint nothing listens on, as in stripe-during-database-outage.)
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/bindings";
import { calls } from "../../src/db/schema";
import { creditAccount } from "../../src/services/credits";
import type { SideEffectMessage } from "../../src/side-effects/messages";
import { expectConsoleError } from "../support/console-trap";
import { expectLedgerConsistent } from "../support/credits";
import { db } from "../support/db";
import { bindingsWith, envWith, recordingQueue, testEnv } from "../support/env";
import { call } from "../support/http";
import { createLine, signVapi, type VapiBody, vapiMessage } from "../support/vapi-webhook";

// Its own database host: the driver's endpoint override is isolate-wide and keyed by host.
const downUrl = new URL(String(testEnv.DATABASE_URL));
downUrl.hostname = "db-outage-vapi.agentline.local";

async function post(body: VapiBody, env: Bindings) {
  const payload = JSON.stringify(body);
  const response = await call("/api/webhooks/vapi", { method: "POST", body: payload, headers: { "content-type": "application/json", ...(await signVapi(payload)) }, env });
  return { status: response.status, body: (await response.json()) as { error?: { code: string }; outcome?: string } & Record<string, unknown> };
}

const callRows = (vapiCallId: string) => db.select().from(calls).where(eq(calls.vapiCallId, vapiCallId));

describe("drill: Vapi's messages during a database outage, and their redelivery", () => {
  it("answers 503 database_unavailable and writes nothing while the database is down; the redelivered report applies once", async () => {
    const { owner, line } = await createLine({ credits: 30, sheetsLogging: true, notify: "all" });
    const queue = recordingQueue<SideEffectMessage>();
    const up = bindingsWith({ SIDE_EFFECTS: queue });
    const down = { ...envWith({ DATABASE_URL: downUrl.toString(), NEON_FETCH_ENDPOINT: "http://127.0.0.1:9/sql" }), SIDE_EFFECTS: queue } as Bindings;
    const account = creditAccount(testEnv, owner.user.id);

    // The call starts while the database is up: 10 minutes held.
    expect((await post(vapiMessage("assistant-request", line), up)).status).toBe(200);
    expect(await account.reserved()).toBe(10);

    // The endpoint stops.
    expectConsoleError(/database unavailable/);
    const secondCall = { ...line, vapiCallId: `call-${crypto.randomUUID()}` };
    const during = [
      await post(vapiMessage("assistant-request", secondCall), down),
      await post(vapiMessage("status-update", line), down),
      await post(vapiMessage("status-update-ended", line), down),
      await post(vapiMessage("end-of-call-report", line), down),
      await post(vapiMessage("end-of-call-report", line), down),
    ];
    for (const answer of during) {
      expect(answer.status).toBe(503);
      expect(answer.body.error?.code).toBe("database_unavailable");
    }
    // Nothing half-written: the first call is as assistant-request left it, the second has no row
    // and no hold, nothing was charged or queued.
    expect(await callRows(line.vapiCallId)).toEqual([expect.objectContaining({ status: "queued", durationSeconds: null, creditsCharged: 0, reportReceivedAt: null })]);
    expect(await callRows(secondCall.vapiCallId)).toEqual([]);
    expect(await account.reserved()).toBe(10);
    expect((await expectLedgerConsistent(owner.user.id)).balance).toBe(30);
    expect(queue.sent).toEqual([]);

    // The endpoint is back: Vapi redelivers, the report more than once.
    expect((await post(vapiMessage("status-update", line), up)).status).toBe(200);
    expect((await post(vapiMessage("status-update-ended", line), up)).status).toBe(200);
    const redelivered = [await post(vapiMessage("end-of-call-report", line), up), await post(vapiMessage("end-of-call-report", line), up)];
    expect(redelivered.map((answer) => [answer.status, answer.body.outcome])).toEqual([[200, "stored"], [200, "duplicate"]]);

    const rows = await callRows(line.vapiCallId);
    expect(rows).toHaveLength(1);
    // 09:10:03 → 09:13:08 is 185 s: 4 credits.
    expect(rows[0]).toMatchObject({ status: "ended", durationSeconds: 185, creditsCharged: 4, endedReason: "customer-ended-call" });
    const { rows: ledger, balance } = await expectLedgerConsistent(owner.user.id);
    expect(ledger.filter((row) => row.kind === "call").map((row) => [row.delta, row.callId])).toEqual([[-4, rows[0]?.id]]);
    expect(balance).toBe(26);
    expect(await account.reserved()).toBe(0);
    expect(queue.sent.map((message) => message.type).sort()).toEqual(["email.call_summary", "sheets.append_call"]);
  });
});
