import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { bookingHolds } from "../../../src/db/schema";
import { bookAppointment } from "../../../src/services/google";
import { db } from "../../support/db";
import { bookingAgent, calendarEvents, connectedUser, google, googleDeps, ownCalendar, putEvent } from "../../support/google";

const NOW = new Date("2030-05-13T12:00:00Z"); // Monday 08:00 in New York

async function setUp(overrides: Parameters<typeof bookingAgent>[1] = {}) {
  const { user, tokens } = await connectedUser(NOW);
  const calendarId = await ownCalendar(tokens.accessToken);
  const agent = await bookingAgent(user.id, { calendarId, ...overrides });
  return { user, tokens, calendarId, agent, deps: googleDeps(NOW) };
}

const caller = { name: "Jane Caller", callerPhone: "+14155550100" };

describe("booking", () => {
  it("books a free slot: the event carries the caller, the call and the phone as a private property, and invites the caller", async () => {
    const { agent, deps, tokens, calendarId } = await setUp();
    const mark = await google.mark();
    const result = await bookAppointment(deps, agent, { ...caller, email: "jane@example.com", notes: "Haircut\u0007 please", start: "2030-05-14T15:30:00-04:00", idempotencyKey: "call-1:tool-1", callId: "call-1" });
    expect(result).toMatchObject({ ok: true, replayed: false, event: { start: "2030-05-14T19:30:00.000Z", end: "2030-05-14T20:00:00.000Z" }, message: "You're booked for Tuesday at 3:30 PM." });
    const [event] = await calendarEvents(tokens.accessToken, calendarId);
    expect(event?.id).toBe(result.ok && result.event.id);
    expect(event?.summary).toBe("Appointment: Jane Caller");
    expect(event?.description).toContain("Phone: +14155550100");
    expect(event?.description).toContain("Notes: Haircut please");
    expect(event?.description).toContain("Call: call-1");
    expect(event?.attendees).toEqual([expect.objectContaining({ email: "jane@example.com" })]);
    expect(event?.extendedProperties?.private).toMatchObject({ agentlinePhone: "+14155550100", agentlineAgentId: agent.id, agentlineCallId: "call-1" });
    const [insert] = (await google.requests(mark)).filter((r) => r.method === "POST" && r.path.endsWith("/events"));
    expect(insert?.query.sendUpdates).toBe("all");
  });

  it("is idempotent per key: a retried tool call answers the same event and creates nothing", async () => {
    const { agent, deps, tokens, calendarId } = await setUp();
    const input = { ...caller, start: "2030-05-14T10:00:00-04:00", idempotencyKey: "tool-call-7" };
    const first = await bookAppointment(deps, agent, input);
    const again = await bookAppointment(deps, agent, input);
    const parallel = await Promise.all([bookAppointment(deps, agent, input), bookAppointment(deps, agent, input)]);
    expect(first.ok && again.ok).toBe(true);
    for (const result of [again, ...parallel]) expect(result).toMatchObject({ ok: true, replayed: true, event: first.ok ? first.event : {} });
    expect((await calendarEvents(tokens.accessToken, calendarId)).filter((e) => e.status !== "cancelled")).toHaveLength(1);
  });

  it("many callers racing for one slot: exactly one booking and one event", async () => {
    const { agent, deps, tokens, calendarId } = await setUp();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => bookAppointment(deps, agent, { name: `Caller ${i}`, callerPhone: `+1415555020${i}`, start: "2030-05-14T11:00:00-04:00", idempotencyKey: `race-${i}` })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.code)).toEqual(["slot_taken", "slot_taken", "slot_taken", "slot_taken"]);
    expect((await calendarEvents(tokens.accessToken, calendarId)).filter((e) => e.status !== "cancelled")).toHaveLength(1);
  });

  it("overlapping bookings with different starts cannot both be held (the owner changed the length mid-call)", async () => {
    const { agent, deps, tokens, calendarId } = await setUp({ appointmentMinutes: 60 });
    const [a, b] = await Promise.all([
      bookAppointment(deps, agent, { ...caller, start: "2030-05-14T09:00:00-04:00", idempotencyKey: "long" }),
      bookAppointment(deps, { ...agent, appointmentMinutes: 30 }, { name: "Bob", callerPhone: "+14155550111", start: "2030-05-14T09:30:00-04:00", idempotencyKey: "short" }),
    ]);
    expect([a, b].map((r) => (r.ok ? "booked" : r.code)).sort()).toEqual(["booked", "slot_taken"]);
    expect((await calendarEvents(tokens.accessToken, calendarId)).filter((e) => e.status !== "cancelled")).toHaveLength(1);
    // The database itself refuses the overlap, whoever writes.
    await expect(
      db.insert(bookingHolds).values({ agentId: agent.id, businessId: agent.businessId, calendarId, startAt: new Date("2030-05-14T13:45:00Z"), endAt: new Date("2030-05-14T14:15:00Z"), expiresAt: NOW, status: "confirmed" }),
    ).rejects.toMatchObject({ cause: expect.objectContaining({ code: "23P01" }) });
  });

  it("two agents booking into one calendar never double-book: bursts of concurrent bookings from both", async () => {
    const { agent, deps, tokens, calendarId } = await setUp();
    const second = await bookingAgent(agent.businessId, { calendarId });
    const starts = ["09:00", "10:00", "11:00", "12:00"].map((time) => `2030-05-14T${time}:00-04:00`);
    for (const start of starts) {
      const burst = await Promise.all(
        Array.from({ length: 10 }, (_, i) => bookAppointment(deps, i % 2 ? second : agent, { name: `Caller ${i}`, callerPhone: `+1415555030${i}`, start, idempotencyKey: `burst:${start}:${i}` })),
      );
      expect(burst.map((r) => (r.ok ? "booked" : r.code)).sort()).toEqual(["booked", ...Array(9).fill("slot_taken")]);
    }
    const live = (await calendarEvents(tokens.accessToken, calendarId)).filter((e) => e.status !== "cancelled");
    expect(live.map((e) => Date.parse(e.start.dateTime)).sort()).toEqual(starts.map(Date.parse).sort());
    // The database refuses it whoever writes: another agent's overlapping hold on that calendar.
    const range = { startAt: new Date("2030-05-14T13:15:00Z"), endAt: new Date("2030-05-14T13:45:00Z"), expiresAt: NOW, status: "confirmed" as const };
    await expect(db.insert(bookingHolds).values({ agentId: second.id, businessId: agent.businessId, calendarId, ...range })).rejects.toMatchObject({ cause: expect.objectContaining({ code: "23P01" }) });
    // Another calendar of the owner, and another owner's calendar of the same id, are other calendars.
    await db.insert(bookingHolds).values({ agentId: second.id, businessId: agent.businessId, calendarId: `${calendarId}-other`, ...range });
    const stranger = await connectedUser(NOW);
    const theirs = await bookingAgent(stranger.user.id, { calendarId });
    await db.insert(bookingHolds).values({ agentId: theirs.id, businessId: stranger.user.id, calendarId, ...range });
  });

  it("`primary` and the connected account's address are one calendar to the no-overlap rule, whichever way each agent names it (ADR 0310)", async () => {
    const { user } = await connectedUser(NOW);
    const viaPrimary = await bookingAgent(user.id, { calendarId: "primary" });
    const viaAddress = await bookingAgent(user.id, { calendarId: "Owner.Sandbox@gmail.com" });
    const booked = await bookAppointment(googleDeps(NOW), viaPrimary, { ...caller, start: "2030-06-04T09:00:00-04:00", idempotencyKey: `primary:${user.id}` });
    expect(booked).toMatchObject({ ok: true });
    // What the other agent's booking would hold: the same time on the calendar as it names it.
    const [held] = await db.select().from(bookingHolds).where(eq(bookingHolds.agentId, viaPrimary.id));
    expect(held?.calendarId).toBe("owner.sandbox@gmail.com");
    const range = { startAt: new Date("2030-06-04T13:15:00Z"), endAt: new Date("2030-06-04T13:45:00Z"), expiresAt: NOW, status: "confirmed" as const };
    await expect(db.insert(bookingHolds).values({ agentId: viaAddress.id, businessId: user.id, calendarId: held?.calendarId ?? "", ...range })).rejects.toMatchObject({
      cause: expect.objectContaining({ code: "23P01" }),
    });
  });

  it("re-checks Google at commit time: a slot the owner filled meanwhile is taken, with the next opening", async () => {
    const { agent, deps, tokens, calendarId } = await setUp();
    await putEvent(tokens.accessToken, calendarId, "2030-05-14T09:00:00-04:00", "2030-05-14T10:00:00-04:00");
    const result = await bookAppointment(deps, agent, { ...caller, start: "2030-05-14T09:30:00-04:00", idempotencyKey: "k" });
    expect(result).toMatchObject({ ok: false, code: "slot_taken", message: "I'm sorry, that time was just taken. The next opening is Tuesday at 10:00 AM.", nextOpening: { start: "2030-05-14T14:00:00.000Z" } });
    // The hold was given back: the next free slot books.
    expect(await bookAppointment(deps, agent, { ...caller, start: "2030-05-14T10:00:00-04:00", idempotencyKey: "k2" })).toMatchObject({ ok: true });
  });

  it("takes over the hold of a booking that died half-way (same key resumes, finds its event)", async () => {
    const { agent, deps, tokens, calendarId } = await setUp();
    await google.fault({ method: "POST", path: "/calendar/v3/calendars/", bodyIncludes: "Appointment", delayMs: 2000 });
    const first = await bookAppointment(deps, agent, { ...caller, start: "2030-05-14T13:00:00-04:00", idempotencyKey: "slow" }, { timeoutMs: 500 });
    expect(first).toMatchObject({ ok: false, code: "google_unavailable" });
    await new Promise((resolve) => setTimeout(resolve, 1800)); // the slow insert lands at Google meanwhile
    const later = googleDeps(new Date(NOW.getTime() + 3 * 60_000)); // after the hold's TTL
    const retried = await bookAppointment(later, agent, { ...caller, start: "2030-05-14T13:00:00-04:00", idempotencyKey: "slow" });
    expect(retried).toMatchObject({ ok: true, replayed: true });
    expect((await calendarEvents(tokens.accessToken, calendarId)).filter((e) => e.status !== "cancelled")).toHaveLength(1);
  });

  it("gives back the time of a booking the owner deleted or moved in Google Calendar", async () => {
    const { agent, deps, tokens, calendarId } = await setUp();
    const first = await bookAppointment(deps, agent, { ...caller, start: "2030-05-14T14:00:00-04:00", idempotencyKey: "to-delete" });
    const second = await bookAppointment(deps, agent, { ...caller, start: "2030-05-14T15:00:00-04:00", idempotencyKey: "to-move" });
    if (!first.ok || !second.ok) throw new Error("setup bookings failed");
    const events = `${google.url}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`;
    const auth = { authorization: `Bearer ${tokens.accessToken}`, "content-type": "application/json" };
    await fetch(`${events}/${first.event.id}`, { method: "DELETE", headers: auth });
    await fetch(`${events}/${second.event.id}`, { method: "PATCH", headers: auth, body: JSON.stringify({ start: { dateTime: "2030-05-14T16:00:00-04:00" }, end: { dateTime: "2030-05-14T16:30:00-04:00" } }) });
    expect(await bookAppointment(deps, agent, { name: "Sam", callerPhone: "+14155550123", start: "2030-05-14T14:00:00-04:00", idempotencyKey: "after-delete" })).toMatchObject({ ok: true });
    expect(await bookAppointment(deps, agent, { name: "Kim", callerPhone: "+14155550124", start: "2030-05-14T15:00:00-04:00", idempotencyKey: "after-move" })).toMatchObject({ ok: true });
    // The moved one now holds its new time.
    expect(await bookAppointment(deps, agent, { name: "Lee", callerPhone: "+14155550125", start: "2030-05-14T16:00:00-04:00", idempotencyKey: "onto-moved" })).toMatchObject({ ok: false, code: "slot_taken" });
  });

  it("corrects times that are not bookable, in words the agent can say", async () => {
    const wednesday = new Date("2030-05-15T12:00:00Z"); // Wednesday 08:00 in New York
    const { agent, tokens } = await setUp({ horizonDays: 14 });
    void tokens;
    const deps = googleDeps(wednesday);
    const book = (start: string) => bookAppointment(deps, agent, { ...caller, start, idempotencyKey: crypto.randomUUID() });
    expect(await book("2030-05-19T10:00:00-04:00")).toMatchObject({
      ok: false,
      code: "invalid_time",
      reason: "closed",
      message: "We're closed on Sundays; the next opening is Monday at 9:00 AM.",
      nextOpening: { start: "2030-05-20T13:00:00.000Z" },
    });
    expect(await book("2030-05-14T10:00:00-04:00")).toMatchObject({ reason: "past", message: "That time has already passed; the next opening is Wednesday at 9:00 AM." });
    expect(await book("2030-05-15T08:30:00-04:00")).toMatchObject({ reason: "too_soon", message: expect.stringMatching(/^We need at least 1 hour's notice for appointments; the next opening is Wednesday at 9:00 AM\.$/) });
    expect(await book("2030-05-16T18:00:00-04:00")).toMatchObject({ reason: "outside_hours", message: "We're open 9:00 AM to 5:00 PM on Thursdays; the next opening is Friday at 9:00 AM." });
    expect(await book("2030-05-16T10:10:00-04:00")).toMatchObject({ reason: "off_grid", message: expect.stringMatching(/^Appointments are 30 minutes long and start at set times, such as 10:00 AM or 10:30 AM; the next opening is Thursday at 10:30 AM\.$/) });
    expect(await book("2030-06-20T10:00:00-04:00")).toMatchObject({ reason: "beyond_horizon", message: expect.stringMatching(/^We only book up to 14 days ahead/) });
    expect(await book("not a time")).toMatchObject({ code: "invalid_time", reason: "invalid" });
    // Wall-clock time without an offset is read in the agent's timezone.
    expect(await book("2030-05-16T11:00:00")).toMatchObject({ ok: true, event: { start: "2030-05-16T15:00:00.000Z" } });
  });

  it("books by the agent's wall clock across DST and timezones", async () => {
    // Fall-back day in New York: 1:30 AM happens twice; both are real slots and book separately.
    const fallBack = await setUp({ businessHours: { sun: [{ start: "01:00", end: "03:00" }] } });
    const october = googleDeps(new Date("2030-10-25T12:00:00Z"));
    const first = await bookAppointment(october, fallBack.agent, { ...caller, start: "2030-11-03T01:30:00-04:00", idempotencyKey: "edt" });
    const second = await bookAppointment(october, fallBack.agent, { ...caller, start: "2030-11-03T01:30:00-05:00", idempotencyKey: "est" });
    expect([first, second]).toMatchObject([{ ok: true, event: { start: "2030-11-03T05:30:00.000Z" } }, { ok: true, event: { start: "2030-11-03T06:30:00.000Z" } }]);
    // Spring-forward day: 02:30 does not exist; wall-clock "02:30" means 03:30 EDT, a real slot.
    const spring = await setUp({ businessHours: { sun: [{ start: "01:00", end: "04:00" }] } });
    const march = googleDeps(new Date("2030-03-01T12:00:00Z"));
    expect(await bookAppointment(march, spring.agent, { ...caller, start: "2030-03-10T02:30:00", idempotencyKey: "gap" })).toMatchObject({ ok: true, event: { start: "2030-03-10T07:30:00.000Z" } });
    // Sydney, from a clock that still says Sunday in UTC.
    const sydney = await setUp({ timezone: "Australia/Sydney", businessHours: { mon: [{ start: "09:00", end: "11:00" }] } });
    const sunday = googleDeps(new Date("2030-06-02T22:30:00Z"));
    expect(await bookAppointment(sunday, sydney.agent, { ...caller, start: "2030-06-03T09:30:00+10:00", idempotencyKey: "syd" })).toMatchObject({ ok: true, message: "You're booked for Monday at 9:30 AM." });
    expect(await bookAppointment(sunday, sydney.agent, { ...caller, start: "2030-06-03T09:00:00+10:00", idempotencyKey: "syd-soon" })).toMatchObject({ ok: false, reason: "too_soon", message: "We need at least 1 hour's notice for appointments; the next opening is Monday at 10:00 AM." });
  });

  it("says not connected when the owner's Google needs reconnecting", async () => {
    const { agent, deps, user } = await setUp();
    const { markNeedsReconnect } = await import("../../../src/services/google/connection");
    await markNeedsReconnect(deps, user.id, "test");
    expect(await bookAppointment(deps, agent, { ...caller, start: "2030-05-14T10:00:00-04:00", idempotencyKey: "x" })).toMatchObject({ ok: false, code: "google_not_connected" });
    expect(await db.select().from(bookingHolds).where(eq(bookingHolds.agentId, agent.id))).toHaveLength(0);
  });
});

describe("booking services with staff", () => {
  /** Two agents of one salon whose staff share Ana's calendar; Ben has his own. */
  async function salon() {
    const { user, tokens } = await connectedUser(NOW);
    const [ana, ben] = [await ownCalendar(tokens.accessToken), await ownCalendar(tokens.accessToken)];
    const settings = {
      businessHours: { tue: [{ start: "09:00", end: "12:00" }, { start: "13:00", end: "17:00" }] },
      bookingStaff: [
        { id: "ana", name: "Ana", calendarId: ana },
        { id: "ben", name: "Ben", calendarId: ben },
      ],
      bookingServices: [
        { id: "cut", name: "Haircut", minutes: 45, priceCents: 4000 },
        { id: "colour", name: "Colour", minutes: 180, staffIds: ["ana"] },
      ],
      bookingClosures: [{ from: "2030-05-21", to: "2030-05-21", reason: "a staff day" }],
    };
    const front = await bookingAgent(user.id, { calendarId: await ownCalendar(tokens.accessToken), ...settings });
    const web = await bookingAgent(user.id, { calendarId: await ownCalendar(tokens.accessToken), ...settings });
    const live = async (calendarId: string) => (await calendarEvents(tokens.accessToken, calendarId)).filter((e) => e.status !== "cancelled");
    return { user, front, web, ana, ben, live, deps: googleDeps(NOW) };
  }

  it("books the service's real length on the named staff member's calendar, and says so", async () => {
    const { front, ana, ben, live, deps } = await salon();
    const result = await bookAppointment(deps, front, { ...caller, service: "colour", staff: "ana", start: "2030-05-14T13:00:00-04:00", idempotencyKey: "colour-1" });
    expect(result).toMatchObject({
      ok: true,
      event: { start: "2030-05-14T17:00:00.000Z", end: "2030-05-14T20:00:00.000Z", service: "Colour", staff: { id: "ana", name: "Ana" } },
      message: "You're booked for Tuesday at 1:00 PM: Colour with Ana.",
    });
    const [event] = await live(ana);
    expect(event).toMatchObject({ summary: "Colour: Jane Caller (Ana)", extendedProperties: { private: { agentlineStaffId: "ana", agentlineServiceId: "colour" } } });
    expect(await live(ben)).toEqual([]);
    const [hold] = await db.select().from(bookingHolds).where(eq(bookingHolds.agentId, front.id));
    expect(hold).toMatchObject({ calendarId: ana.toLowerCase(), serviceName: "Colour", staffId: "ana", staffName: "Ana", callerName: "Jane Caller", status: "confirmed" });
  });

  it("refuses across the lunch break and on a closure, with the reason and the next opening", async () => {
    const { front, deps } = await salon();
    // 11:30 + 45 minutes runs into lunch: the grid only offers starts that end by 12:00.
    expect(await bookAppointment(deps, front, { ...caller, service: "Haircut", start: "2030-05-14T11:30:00-04:00", idempotencyKey: "lunch" })).toMatchObject({ ok: false, code: "invalid_time", reason: "outside_hours" });
    expect(await bookAppointment(deps, front, { ...caller, service: "Haircut", start: "2030-05-21T10:00:00-04:00", idempotencyKey: "closed" })).toMatchObject({
      ok: false,
      code: "invalid_time",
      reason: "closed",
      message: expect.stringMatching(/^We're closed on Tuesday, May 21 for a staff day; the next opening is Tuesday, May 28 at 9:00 AM\.$/),
    });
  });

  it("anyone books the first staff member free; concurrent callers on two agents sharing a staff calendar never double-book it", async () => {
    const { front, web, ana, ben, live, deps } = await salon();
    const start = "2030-05-14T14:00:00-04:00";
    // Six callers at once, three per agent, all for a cut at 2 PM with anyone: Ana and Ben can each take one.
    const burst = await Promise.all(
      Array.from({ length: 6 }, (_, i) => bookAppointment(deps, i % 2 ? web : front, { name: `Caller ${i}`, callerPhone: `+1415555040${i}`, service: "haircut", start, idempotencyKey: `anyone:${i}` })),
    );
    expect(burst.map((r) => (r.ok ? `booked ${r.event.staff?.name}` : r.code)).sort()).toEqual(["booked Ana", "booked Ben", ...Array(4).fill("slot_taken")]);
    expect((await live(ana)).map((e) => [e.start.dateTime, e.end.dateTime].map((t) => new Date(t).toISOString()))).toEqual([["2030-05-14T18:00:00.000Z", "2030-05-14T18:45:00.000Z"]]);
    expect(await live(ben)).toHaveLength(1);
    // Named Ana from both agents at 3 PM at once: exactly one.
    const named = await Promise.all(
      Array.from({ length: 4 }, (_, i) => bookAppointment(deps, i % 2 ? web : front, { name: `Named ${i}`, callerPhone: `+1415555050${i}`, service: "Haircut", staff: "Ana", start: "2030-05-14T15:00:00-04:00", idempotencyKey: `named:${i}` })),
    );
    expect(named.filter((r) => r.ok)).toHaveLength(1);
    expect(await live(ana)).toHaveLength(2);
    expect(await live(ben)).toHaveLength(1);
  });

  it("an unknown service or a staff member who does not do it gets one speakable line", async () => {
    const { front, deps } = await salon();
    expect(await bookAppointment(deps, front, { ...caller, service: "massage", start: "2030-05-14T10:00:00-04:00", idempotencyKey: "u1" })).toMatchObject({
      ok: false,
      code: "unknown_service",
      message: 'We don\'t offer "massage". We offer Haircut, 45 minutes, $40; and Colour, 3 hours.',
    });
    expect(await bookAppointment(deps, front, { ...caller, service: "Colour", staff: "Ben", start: "2030-05-14T10:00:00-04:00", idempotencyKey: "u2" })).toMatchObject({
      ok: false,
      code: "unknown_staff",
      message: "Ben doesn't do Colour. Ana does.",
    });
  });
});
