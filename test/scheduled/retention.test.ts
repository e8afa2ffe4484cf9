/**
 * The retention sweep (services/data-rights/retention.ts, ADR 1111): conversations older than their
 * business's retention days go, here and at Vapi, in bounded batches that resume where the last
 * stopped; nothing younger, and nothing of another business, is touched.
 */
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { businesses, calls, deadLetters, undeliveredVendorMessages } from "../../src/db/schema";
import { createServices } from "../../src/services/create-services";
import { sweepRetention } from "../../src/services/data-rights/retention";
import { ownerWithBusiness } from "../support/business";
import { db } from "../support/db";
import { testEnv } from "../support/env";
import { call } from "../support/http";
import { callAtVapi, vapi } from "../support/vapi";

const DAY = 86_400_000;
const NOW = new Date();

async function seedCall(businessId: string, ageDays: number) {
  const vapiCallId = `call-${crypto.randomUUID()}`;
  await callAtVapi({ id: vapiCallId });
  const [row] = await db
    .insert(calls)
    .values({
      businessId,
      vapiCallId,
      status: "ended",
      customerNumber: "+15125550147",
      transcript: "AI: Hello. User: Hi, this is Jamie.",
      summary: "Jamie asked about prices.",
      recordingUrl: `https://storage.vapi.ai/${vapiCallId}.wav`,
      messages: [{ role: "user", message: "Hi, this is Jamie." }],
      liveTranscript: [{ at: 1, role: "user", text: "Hi, this is Jamie." }],
      structuredData: { callerName: "Jamie" },
      reportReceivedAt: NOW,
      createdAt: new Date(NOW.getTime() - ageDays * DAY),
    })
    .returning();
  if (!row) throw new Error("no call");
  return row;
}

const vapiCallIds = async () => ((await vapi.state<{ calls: { id: string }[] }>()).calls ?? []).map((c) => c.id);
const deps = () => createServices(testEnv);

describe("the retention sweep", () => {
  it("deletes only conversations past their business's retention, at Vapi and here, in bounded batches", async () => {
    const short = await ownerWithBusiness();
    await db.update(businesses).set({ retentionDays: 30 }).where(eq(businesses.id, short.businessId));
    const standard = await ownerWithBusiness();
    const expired = [await seedCall(short.businessId, 31), await seedCall(short.businessId, 45), await seedCall(short.businessId, 400)];
    const young = await seedCall(short.businessId, 29);
    // 45 days old: past 30 but within the other business's default 90.
    const otherKept = await seedCall(standard.businessId, 45);
    const otherExpired = await seedCall(standard.businessId, 91);

    // Batches of two: each run purges at most two, and runs on until nothing of ours is left.
    const due = [...expired, otherExpired].map((row) => row.id);
    for (let run = 0; run < 50; run++) {
      const result = await sweepRetention(deps(), { now: NOW, batch: 2 });
      expect(result.callsPurged).toBeLessThanOrEqual(2);
      const left = await db.select({ id: calls.id }).from(calls).where(sql`${inArray(calls.id, due)} and ${calls.artifactsDeletedAt} is null`);
      if (!left.length) break;
    }

    const rows = new Map((await db.select().from(calls).where(inArray(calls.id, [...due, young.id, otherKept.id]))).map((row) => [row.id, row]));
    for (const id of due) {
      expect(rows.get(id)).toMatchObject({ transcript: null, summary: null, recordingUrl: null, messages: null, liveTranscript: [] });
      // The call log stays: who called, and what it cost.
      expect(rows.get(id)).toMatchObject({ customerNumber: "+15125550147", status: "ended" });
      expect(rows.get(id)?.artifactsDeletedAt).not.toBeNull();
    }
    for (const kept of [young, otherKept]) {
      expect(rows.get(kept.id)).toMatchObject({ transcript: kept.transcript, summary: kept.summary, recordingUrl: kept.recordingUrl, artifactsDeletedAt: null });
    }
    const atVapi = await vapiCallIds();
    for (const row of [...expired, otherExpired]) expect(atVapi).not.toContain(row.vapiCallId);
    for (const row of [young, otherKept]) expect(atVapi).toContain(row.vapiCallId);
  });

  it("leaves a call whose deletion at Vapi fails for the next run", async () => {
    const owner = await ownerWithBusiness();
    const stuck = await seedCall(owner.businessId, 365 * 20);
    await vapi.fault({ method: "DELETE", path: `/call/${stuck.vapiCallId}`, status: 500, times: 2 });
    const first = await sweepRetention(deps(), { now: NOW });
    expect(first.callsFailed).toBeGreaterThanOrEqual(1);
    const [after] = await db.select().from(calls).where(eq(calls.id, stuck.id));
    expect(after).toMatchObject({ transcript: stuck.transcript, artifactsDeletedAt: null });
    await sweepRetention(deps(), { now: NOW });
    const [later] = await db.select().from(calls).where(eq(calls.id, stuck.id));
    expect(later).toMatchObject({ transcript: null });
    expect(await vapiCallIds()).not.toContain(stuck.vapiCallId);
  });

  it("prunes applied vendor messages after 30 days and replayed dead letters after 90, and nothing else", async () => {
    const old = new Date(NOW.getTime() - 31 * DAY);
    const veryOld = new Date(NOW.getTime() - 91 * DAY);
    const recent = new Date(NOW.getTime() - 5 * DAY);
    const message = (appliedAt: Date | null) => ({ provider: "vapi", rawBody: "{}", bodySha256: crypto.randomUUID(), reason: "test", appliedAt });
    const vendor = await db.insert(undeliveredVendorMessages).values([message(old), message(recent), message(null)]).returning();
    const letter = (createdAt: Date, replayedAt: Date | null) => ({ messageId: crypto.randomUUID(), body: {}, reason: "test", attempts: 6, failedAt: createdAt, createdAt, replayedAt });
    const letters = await db.insert(deadLetters).values([letter(veryOld, veryOld), letter(veryOld, null), letter(recent, recent)]).returning();
    for (let run = 0; run < 20; run++) {
      const result = await sweepRetention(deps(), { now: NOW, batch: 500 });
      if (!result.vendorMessagesPruned && !result.deadLettersPruned) break;
    }
    const vendorLeft = (await db.select({ id: undeliveredVendorMessages.id }).from(undeliveredVendorMessages).where(inArray(undeliveredVendorMessages.id, vendor.map((row) => row.id)))).map((row) => row.id);
    expect(vendorLeft.sort()).toEqual([vendor[1]?.id, vendor[2]?.id].sort());
    const lettersLeft = (await db.select({ id: deadLetters.id }).from(deadLetters).where(inArray(deadLetters.id, letters.map((row) => row.id)))).map((row) => row.id);
    expect(lettersLeft.sort()).toEqual([letters[1]?.id, letters[2]?.id].sort());
  });

  it("shows on each call when its conversation goes, from the period the owner sets", async () => {
    const owner = await ownerWithBusiness();
    for (const retentionDays of [0, 3651, 1.5]) {
      expect((await call("/api/business", { method: "PATCH", cookie: owner.cookie, json: { retentionDays } })).status, String(retentionDays)).toBe(400);
    }
    expect((await call("/api/business", { method: "PATCH", cookie: owner.cookie, json: { retentionDays: 30 } })).status).toBe(200);
    const row = await seedCall(owner.businessId, 1);
    const detail = (await (await call(`/api/calls/${row.id}`, { cookie: owner.cookie })).json()) as { call: { retainedUntil: string; artifactsDeletedAt: string | null } };
    expect(detail.call.retainedUntil).toBe(new Date(row.createdAt.getTime() + 30 * DAY).toISOString());
    expect(detail.call.artifactsDeletedAt).toBeNull();
    const list = (await (await call("/api/calls", { cookie: owner.cookie })).json()) as { calls: { id: string; retainedUntil: string }[] };
    expect(list.calls.find((item) => item.id === row.id)?.retainedUntil).toBe(detail.call.retainedUntil);
  });
});
