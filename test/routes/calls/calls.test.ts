import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls } from "../../../src/db/schema";
import { readCallStructuredData } from "../../../src/integrations/vapi/structured-data";
import { db } from "../../support/db";
import { createUser } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { member, switchTo } from "../../support/membership";
import { createLine, deliver, vapiMessage } from "../../support/vapi-webhook";

type CallItem = { id: string; vapiCallId: string; status: string; agentId: string | null; creditsCharged: number };

async function seedCall(businessId: string, values: Partial<typeof calls.$inferInsert> = {}) {
  const [row] = await db
    .insert(calls)
    .values({ businessId, vapiCallId: `call-${crypto.randomUUID()}`, status: "ended", ...values })
    .returning();
  if (!row) throw new Error("no call");
  return row;
}

const patch = (id: string, cookie: string, json: unknown) => call(`/api/calls/${id}`, { method: "PATCH", cookie, json });

const get = async <T>(path: string, cookie: string) => {
  const response = await call(path, { cookie });
  return { status: response.status, body: (await response.json()) as T };
};

describe("GET /api/calls", () => {
  it("lists the user's calls newest first, filtered, with a cursor that walks every page once", async () => {
    const { owner, agentId } = await createLine();
    const businessId = owner.user.id;
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await seedCall(businessId, { agentId, status: i % 2 ? "refused" : "ended", createdAt: new Date(Date.UTC(2030, 0, 1, 10, i)) })).id);
    const page1 = await get<{ calls: CallItem[]; nextCursor: string | null }>("/api/calls?limit=2", owner.cookie);
    expect(page1.body.calls.map((c) => c.id)).toEqual([made[4], made[3]]);
    const page2 = await get<{ calls: CallItem[]; nextCursor: string | null }>(`/api/calls?limit=2&cursor=${page1.body.nextCursor}`, owner.cookie);
    const page3 = await get<{ calls: CallItem[]; nextCursor: string | null }>(`/api/calls?limit=2&cursor=${page2.body.nextCursor}`, owner.cookie);
    expect([...page2.body.calls, ...page3.body.calls].map((c) => c.id)).toEqual([made[2], made[1], made[0]]);
    expect(page3.body.nextCursor).toBeNull();
    const refused = await get<{ calls: CallItem[] }>("/api/calls?status=refused", owner.cookie);
    expect(refused.body.calls.map((c) => c.id)).toEqual([made[3], made[1]]);
    const ranged = await get<{ calls: CallItem[] }>("/api/calls?from=2030-01-01T10:01:00Z&to=2030-01-01T10:03:00Z", owner.cookie);
    expect(ranged.body.calls.map((c) => c.id)).toEqual([made[2], made[1]]);
    const byAgent = await get<{ calls: CallItem[] }>(`/api/calls?agentId=${agentId}`, owner.cookie);
    expect(byAgent.body.calls).toHaveLength(5);
  });

  it("refuses bad filters with 400 and a session-less request with 401", async () => {
    const { cookie } = await createUser();
    for (const query of ["status=happy", "limit=0", "cursor=nope", "from=yesterday", "agentId=7"]) {
      const response = await call(`/api/calls?${query}`, { cookie });
      expect(response.status, query).toBe(400);
      expect((await errorOf(response)).code).toBe("validation_failed");
    }
    expect((await call("/api/calls")).status).toBe(401);
  });

  it("another user's call is a 404, and never in the list", async () => {
    const { owner } = await createLine();
    const mine = await seedCall(owner.user.id);
    const other = await createUser();
    expect((await call(`/api/calls/${mine.id}`, { cookie: other.cookie })).status).toBe(404);
    expect((await call("/api/calls/not-a-uuid", { cookie: other.cookie })).status).toBe(404);
    expect((await get<{ calls: CallItem[] }>("/api/calls", other.cookie)).body.calls).toEqual([]);
  });
});

describe("GET /api/calls/:id", () => {
  it("shows the report: transcript as messages, summary, recording, credits; before the report, the live transcript", async () => {
    const { owner, line } = await createLine({ credits: 20 });
    await deliver(vapiMessage("assistant-request", line));
    await deliver(vapiMessage("transcript-final", line));
    const [row] = await db.select({ id: calls.id }).from(calls).where(sql`${calls.vapiCallId} = ${line.vapiCallId}`);
    const live = await get<{ call: { status: string; messages: { role: string; text: string }[] } }>(`/api/calls/${row?.id}`, owner.cookie);
    expect(live.body.call.messages).toEqual([{ role: "user", text: "Hi, do you have anything open on Tuesday afternoon?", at: new Date(1795689010500).toISOString() }]);
    await deliver(vapiMessage("end-of-call-report", line));
    const { body } = await get<{ call: Record<string, unknown> & { messages: { role: string }[] } }>(`/api/calls/${row?.id}`, owner.cookie);
    expect(body.call).toMatchObject({
      status: "ended",
      durationSeconds: 185,
      creditsCharged: 4,
      callerName: "Jordan Lee",
      summary: expect.stringContaining("keratin"),
      recordingUrl: expect.stringContaining(".wav"),
      unansweredQuestions: ["Do you do keratin treatments?"],
      customerNumber: "+15125550147",
    });
    expect(body.call.messages.map((m) => m.role)).toEqual(["assistant", "user", "assistant", "user", "assistant"]);
  });

  it("shows the structured data as the one definition reads it (ADR 0411): its keys, typed; no others", async () => {
    const { user, cookie } = await createUser();
    const row = await seedCall(user.id, { structuredData: { callerName: "Ana", appointmentBooked: true, booked: "stray", followUpNeeded: "yes" } });
    const { body } = await get<{ call: { structuredData: unknown; callerName: string | null } }>(`/api/calls/${row.id}`, cookie);
    expect(body.call.structuredData).toEqual({ callerName: "Ana", reasonForCalling: null, appointmentBooked: true, followUpNeeded: false, unansweredQuestions: [] });
    const bare = await seedCall(user.id, { structuredData: null });
    expect((await get<{ call: { structuredData: unknown } }>(`/api/calls/${bare.id}`, cookie)).body.call.structuredData).toBeNull();
  });
});

describe("GET /api/stats", () => {
  it("counts calls, minutes and credits per day in the user's timezone, quiet days included", async () => {
    const { user, cookie } = await createUser({ timezone: "America/New_York" });
    // 03:30 UTC on Jan 2 is still Jan 1 in New York.
    await seedCall(user.id, { startedAt: new Date("2030-01-02T03:30:00Z"), durationSeconds: 90, creditsCharged: 2 });
    await seedCall(user.id, { startedAt: new Date("2030-01-01T15:00:00Z"), durationSeconds: 30, creditsCharged: 1 });
    await seedCall(user.id, { startedAt: new Date("2030-01-03T20:00:00Z"), durationSeconds: 600, creditsCharged: 10 });
    await seedCall(user.id, { startedAt: new Date("2030-01-05T12:00:00Z"), durationSeconds: 60, creditsCharged: 1 });
    const { status, body } = await get<{ days: unknown[]; totals: unknown }>("/api/stats?from=2030-01-01&to=2030-01-04", cookie);
    expect(status).toBe(200);
    expect(body).toEqual({
      days: [
        { date: "2030-01-01", calls: 2, minutes: 2, credits: 3 },
        { date: "2030-01-02", calls: 0, minutes: 0, credits: 0 },
        { date: "2030-01-03", calls: 1, minutes: 10, credits: 10 },
        { date: "2030-01-04", calls: 0, minutes: 0, credits: 0 },
      ],
      totals: { calls: 3, minutes: 12, credits: 13 },
    });
    const defaults = await get<{ days: unknown[] }>("/api/stats", cookie);
    expect(defaults.body.days).toHaveLength(30);
    expect((await call("/api/stats?from=2030-01-05&to=2030-01-01", { cookie })).status).toBe(400);
    expect((await call("/api/stats?from=2020-01-01&to=2030-01-01", { cookie })).status).toBe(400);
  });
});

describe("GET /api/insights/unanswered", () => {
  it("groups questions by normalised text with counts, the last time asked and the calls", async () => {
    const { owner, agentId } = await createLine();
    const businessId = owner.user.id;
    const q = (list: string[]) => ({ unansweredQuestions: list });
    const a = await seedCall(businessId, { agentId, startedAt: new Date("2030-02-01T10:00:00Z"), structuredData: q(["Do you do keratin treatments?", "Is there parking?"]) });
    const b = await seedCall(businessId, { agentId, startedAt: new Date("2030-02-03T10:00:00Z"), structuredData: q(["do you do  KERATIN treatments"]) });
    await seedCall(businessId, { agentId, startedAt: new Date("2030-02-02T10:00:00Z"), structuredData: { unansweredQuestions: "not a list" } });
    await seedCall(businessId, { startedAt: new Date("2030-02-02T10:00:00Z"), structuredData: q(["Is there parking?"]) });
    const other = await createUser();
    await seedCall(other.user.id, { structuredData: q(["Do you do keratin treatments?"]) });
    const { body } = await get<{ questions: { text: string; count: number; lastAskedAt: string; callIds: string[] }[] }>(`/api/insights/unanswered?agentId=${agentId}`, owner.cookie);
    expect(body.questions).toEqual([
      { text: "do you do  KERATIN treatments", count: 2, lastAskedAt: "2030-02-03T10:00:00.000Z", callIds: expect.arrayContaining([a.id, b.id]) },
      { text: "Is there parking?", count: 1, lastAskedAt: "2030-02-01T10:00:00.000Z", callIds: [a.id] },
    ]);
    const all = await get<{ questions: { text: string; count: number }[] }>("/api/insights/unanswered?from=2030-02-02", owner.cookie);
    expect(all.body.questions.map((g) => [g.text, g.count])).toEqual([["do you do  KERATIN treatments", 1], ["Is there parking?", 1]]);
  });

  it("reads the questions as the one reader does: only the list's strings, never the model's objects or numbers as text", async () => {
    const { owner, agentId } = await createLine();
    const said = ["Do you sell gift cards?", { question: "Are you open Sundays?" }, 42, true, null, ["nested"]];
    const call = await seedCall(owner.user.id, { agentId, structuredData: { unansweredQuestions: said } });
    const { body } = await get<{ questions: { text: string }[] }>(`/api/insights/unanswered?agentId=${agentId}`, owner.cookie);
    expect(body.questions.map((g) => g.text)).toEqual(readCallStructuredData(call.structuredData).unansweredQuestions);
    expect(body.questions.map((g) => g.text)).toEqual(["Do you sell gift cards?"]);
  });
});

describe("follow-ups: PATCH /api/calls/:id and the list's filters (issue 21)", () => {
  type Item = { id: string; followUp: string | null; followUpNote: string | null; followUpAt: string | null; booked: boolean; customerNumber: string | null };
  const ids = async (query: string, cookie: string) => (await get<{ calls: Item[] }>(`/api/calls?${query}`, cookie)).body.calls.map((c) => c.id);

  it("a call the receptionist flagged is open until marked done, with a note; done calls leave the open filter", async () => {
    const { owner, agentId } = await createLine();
    await member(owner.user.id);
    const flagged = await seedCall(owner.user.id, { agentId, structuredData: { followUpNeeded: true, callerName: "Jordan Lee" }, customerNumber: "+15125550147" });
    const quiet = await seedCall(owner.user.id, { agentId, structuredData: { followUpNeeded: false } });
    expect(await ids("followUp=open", owner.cookie)).toEqual([flagged.id]);

    const response = await patch(flagged.id, owner.cookie, { followUp: "done", note: "Called back, booked for Friday." });
    expect(response.status).toBe(200);
    const { call: done } = (await response.json()) as { call: Item };
    expect(done).toMatchObject({ id: flagged.id, followUp: "done", followUpNote: "Called back, booked for Friday.", followUpAt: expect.any(String), customerNumber: "+15125550147" });
    expect(await ids("followUp=open", owner.cookie)).toEqual([]);
    expect(await ids("followUp=done", owner.cookie)).toEqual([flagged.id]);
    // Reopening keeps the note unless a new one is sent; an empty note removes it.
    expect(((await (await patch(flagged.id, owner.cookie, { followUp: "open" })).json()) as { call: Item }).call).toMatchObject({ followUp: "open", followUpNote: "Called back, booked for Friday." });
    expect(((await (await patch(flagged.id, owner.cookie, { followUp: "open", note: "" })).json()) as { call: Item }).call.followUpNote).toBeNull();
    // The owner may open one the receptionist did not flag.
    await patch(quiet.id, owner.cookie, { followUp: "open" });
    expect(await ids("followUp=open", owner.cookie)).toEqual([quiet.id, flagged.id]);
  });

  it("bad input is a 400 that changes nothing; another business's call is a 404; staff may do it", async () => {
    const { owner, agentId } = await createLine();
    await member(owner.user.id);
    const row = await seedCall(owner.user.id, { agentId, structuredData: { followUpNeeded: true } });
    for (const body of [{ followUp: "later" }, {}, { followUp: "done", note: "x".repeat(2001) }, { followUp: "done", extra: 1 }, { followUp: "done", note: "nul\u0000" }]) {
      const response = await patch(row.id, owner.cookie, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await errorOf(response)).code).toBe("validation_failed");
    }
    expect((await get<{ call: Item }>(`/api/calls/${row.id}`, owner.cookie)).body.call).toMatchObject({ followUp: "open", followUpAt: null });
    const stranger = await createUser();
    await member(stranger.user.id);
    expect((await patch(row.id, stranger.cookie, { followUp: "done" })).status).toBe(404);
    expect((await patch(row.id, owner.cookie.replace(/=.*/, "=nope"), { followUp: "done" })).status).toBe(401);
    const staff = await createUser();
    await member(staff.user.id, "staff", owner.user.id);
    await switchTo(staff.cookie, owner.user.id);
    expect((await patch(row.id, staff.cookie, { followUp: "done" })).status).toBe(200);
  });

  it("booked=true and q: caller name, number digits typed any way, words of the summary; an impossible range is a 400", async () => {
    const { owner, agentId } = await createLine();
    const booked = await seedCall(owner.user.id, { agentId, customerNumber: "+15125550147", structuredData: { callerName: "Jordan Lee", appointmentBooked: true }, createdAt: new Date(Date.UTC(2030, 0, 2)) });
    const event = await seedCall(owner.user.id, { agentId, customerNumber: "+14155550999", events: [{ at: "2030-01-01T10:00:00Z", kind: "booked", detail: "Booked for Sam" }], summary: "Asked about balayage prices.", createdAt: new Date(Date.UTC(2030, 0, 1)) });
    await seedCall(owner.user.id, { agentId, customerNumber: "+13125550100", summary: "Wanted 100% of a refund_now", createdAt: new Date(Date.UTC(2029, 11, 31)) });
    expect(await ids("booked=true", owner.cookie)).toEqual([booked.id, event.id]);
    expect(await ids("q=jordan", owner.cookie)).toEqual([booked.id]);
    expect(await ids(`q=${encodeURIComponent("(512) 555-01")}`, owner.cookie)).toEqual([booked.id]);
    expect(await ids("q=BALAYAGE", owner.cookie)).toEqual([event.id]);
    // LIKE's own characters are literal: "%" finds only the summary that has one.
    expect((await ids("q=0%25", owner.cookie)).length).toBe(1);
    expect(await ids("q=_n", owner.cookie)).toHaveLength(1);
    for (const query of ["q=a", `q=${"x".repeat(101)}`, "booked=false", "followUp=maybe", "from=2030-01-02&to=2030-01-01"]) {
      const response = await call(`/api/calls?${query}`, { cookie: owner.cookie });
      expect(response.status, query).toBe(400);
    }
    const impossible = await errorOf(await call("/api/calls?from=2030-01-02&to=2030-01-01", { cookie: owner.cookie }));
    expect(impossible.details).toEqual([expect.objectContaining({ path: "from", message: "must be before to" })]);
  });
});

describe("dismissing an unanswered question (issue 21)", () => {
  it("is hidden for good, however it is written, for this business only; dismissing twice is fine", async () => {
    const { owner, agentId } = await createLine();
    await member(owner.user.id);
    const other = await createLine();
    await member(other.owner.user.id);
    for (const line of [owner, other.owner]) await seedCall(line.user.id, { agentId: line === owner ? agentId : other.agentId, structuredData: { unansweredQuestions: ["Do you sell gift cards?", "Is there parking?"] } });
    const dismiss = (cookie: string, text: unknown) => call("/api/insights/unanswered/dismissals", { method: "POST", cookie, json: { text } });
    expect((await dismiss(owner.cookie, "do you SELL gift cards")).status).toBe(204);
    expect((await dismiss(owner.cookie, "Do you sell gift cards?")).status).toBe(204);
    expect((await dismiss(owner.cookie, "")).status).toBe(400);
    const texts = async (cookie: string) => (await get<{ questions: { text: string }[] }>("/api/insights/unanswered", cookie)).body.questions.map((q) => q.text);
    expect(await texts(owner.cookie)).toEqual(["Is there parking?"]);
    expect((await texts(other.owner.cookie)).sort()).toEqual(["Do you sell gift cards?", "Is there parking?"]);
  });
});
