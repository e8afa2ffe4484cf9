/**
 * Fault drill: a bounded storm of hostile webhook bodies — unsigned, wrongly signed,
 * malformed JSON, JSON that is not a Vapi message, messages missing what their type needs,
 * oversized bodies — at both webhooks, many at once. What this proves: every one gets a 4xx
 * (never a 5xx, which would make a sender retry and hide a crash), and none of them writes a
 * call, a webhook event or a ledger row.
 */
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls } from "../../src/db/schema";
import { VAPI_MAX_BODY_BYTES } from "../../src/routes/webhooks/vapi";
import { ledgerOf } from "../support/credits";
import { db } from "../support/db";
import { call } from "../support/http";
import { createLine, postVapi, signVapi, vapiMessage } from "../support/vapi-webhook";

const ROUNDS = 12;
const IN_FLIGHT = 25;

describe("drill: a storm of malformed, unsigned and oversized webhook bodies", () => {
  it("answers every one with a 4xx and writes nothing", async () => {
    const { owner, line } = await createLine({ credits: 50 });
    const report = JSON.stringify(vapiMessage("end-of-call-report", line));
    const request = JSON.stringify(vapiMessage("assistant-request", line));
    const signed = async (payload: string) => postVapi(payload, { unsigned: true, headers: await signVapi(payload) });
    const hostile: (() => Promise<Response>)[] = [
      () => postVapi(report, { unsigned: true }),
      () => postVapi(request, { unsigned: true, headers: { "x-vapi-secret": "guess" } }),
      async () => postVapi(report, { unsigned: true, headers: await signVapi(report, { secret: "not-ours" }) }),
      async () => postVapi(report, { unsigned: true, headers: await signVapi(`${report}x`) }),
      () => signed(report.slice(0, report.length / 2)),
      () => signed("null"),
      () => signed("[]"),
      () => signed('"a string"'),
      () => signed(JSON.stringify({ message: { type: "end-of-call-report" } })),
      () => signed(JSON.stringify({ message: { type: "tool-calls", call: { id: line.vapiCallId }, toolCallList: [] } })),
      () => signed(JSON.stringify({ message: { ...vapiMessage("end-of-call-report", line).message, call: { id: "" } } })),
      () => signed(`${"[".repeat(5000)}${"]".repeat(5000)}`),
      () => signed(JSON.stringify({ message: { ...vapiMessage("end-of-call-report", line).message, artifact: { transcript: "x".repeat(VAPI_MAX_BODY_BYTES) } } })),
      () => postVapi("x".repeat(VAPI_MAX_BODY_BYTES + 1), { unsigned: true }),
      () => call("/api/webhooks/stripe", { method: "POST", body: JSON.stringify({ id: "evt_1", type: "checkout.session.completed" }), headers: { "content-type": "application/json" } }),
      () => call("/api/webhooks/stripe", { method: "POST", body: "{}", headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=00" } }),
    ];
    const statuses: number[] = [];
    const jobs = Array.from({ length: ROUNDS }, () => hostile).flat();
    for (let start = 0; start < jobs.length; start += IN_FLIGHT) {
      const answers = await Promise.all(jobs.slice(start, start + IN_FLIGHT).map(async (send) => {
        const response = await send();
        await response.arrayBuffer();
        return response.status;
      }));
      statuses.push(...answers);
    }
    expect(statuses).toHaveLength(ROUNDS * hostile.length);
    expect(statuses.filter((status) => status < 400 || status >= 500)).toEqual([]);

    expect(await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId))).toHaveLength(0);
    expect((await db.execute(sql`select 1 from webhook_events where event_id like ${`%${line.vapiCallId}%`} or event_id = 'evt_1'`)).rows).toHaveLength(0);
    expect(await ledgerOf(owner.user.id)).toHaveLength(1);
  }, 120_000);
});
