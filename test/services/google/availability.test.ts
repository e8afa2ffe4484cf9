import { beforeAll, describe, expect, it } from "vitest";
import { bookingHolds } from "../../../src/db/schema";
import type { Agent } from "../../../src/services/agents/view";
import { getAvailability } from "../../../src/services/google";
import { matchByName, serviceFor, staffFor, unionSlots } from "../../../src/services/google/schedule";
import { loadTemporal, parseDate } from "../../../src/services/google/time";
import { db } from "../../support/db";
import { bookingAgent, connectedUser, google, googleDeps, ownCalendar, putEvent } from "../../support/google";
import { googleApiError } from "../../support/vendor-errors";

const starts = (result: Awaited<ReturnType<typeof getAvailability>>) => (result.ok ? result.slots.map((slot) => slot.start) : result);

describe("availability", () => {
  it("is the business hours on the appointment grid minus Google busy time, with buffer", async () => {
    const now = new Date("2030-05-13T12:00:00Z"); // Monday 08:00 in New York
    const { user, tokens } = await connectedUser(now);
    const calendarId = await ownCalendar(tokens.accessToken);
    const agent = await bookingAgent(user.id, { calendarId, bufferMinutes: 15, businessHours: { tue: [{ start: "09:00", end: "12:00" }] } });
    await putEvent(tokens.accessToken, calendarId, "2030-05-14T10:00:00-04:00", "2030-05-14T10:30:00-04:00");
    const mark = await google.mark();
    const result = await getAvailability(googleDeps(now), agent, { date: "2030-05-14" });
    // 9:30 ends 10:00 (needs 15 min clear after), 10:30 starts right after the event (needs 15 before).
    expect(starts(result)).toEqual(["2030-05-14T13:00:00.000Z", "2030-05-14T15:00:00.000Z", "2030-05-14T15:30:00.000Z"]);
    expect(result.ok && result.summary).toBe("Tuesday at 9:00 AM, 11:00 AM and 11:30 AM");
    const [query] = (await google.requests(mark)).filter((r) => r.path === "/calendar/v3/freeBusy");
    expect(query?.body).toMatchObject({ items: [{ id: calendarId }] });
    expect(query?.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
  });

  it("follows the wall clock on the spring-forward day (New York, 10 March 2030)", async () => {
    const now = new Date("2030-03-01T12:00:00Z");
    const { user, tokens } = await connectedUser(now);
    const agent = await bookingAgent(user.id, {
      calendarId: await ownCalendar(tokens.accessToken),
      businessHours: { sun: [{ start: "01:00", end: "04:00" }, { start: "09:00", end: "10:00" }] },
    });
    // 01:00 EST is 06:00Z; 02:00–03:00 does not exist; 04:00 EDT is 08:00Z: two real hours. 09:00 is EDT (13:00Z).
    expect(starts(await getAvailability(googleDeps(now), agent, { date: "2030-03-10" }))).toEqual([
      "2030-03-10T06:00:00.000Z",
      "2030-03-10T06:30:00.000Z",
      "2030-03-10T07:00:00.000Z",
      "2030-03-10T07:30:00.000Z",
      "2030-03-10T13:00:00.000Z",
      "2030-03-10T13:30:00.000Z",
    ]);
  });

  it("follows the wall clock on the fall-back day (New York, 3 November 2030)", async () => {
    const now = new Date("2030-10-25T12:00:00Z");
    const { user, tokens } = await connectedUser(now);
    const agent = await bookingAgent(user.id, {
      calendarId: await ownCalendar(tokens.accessToken),
      appointmentMinutes: 60,
      businessHours: { sun: [{ start: "00:00", end: "03:00" }, { start: "09:00", end: "11:00" }] },
    });
    // 00:00 EDT = 04:00Z to 03:00 EST = 08:00Z: four real hours, 1 AM happens twice. 09:00 is EST (14:00Z).
    const result = await getAvailability(googleDeps(now), agent, { date: "2030-11-03" });
    expect(starts(result)).toEqual([
      "2030-11-03T04:00:00.000Z",
      "2030-11-03T05:00:00.000Z",
      "2030-11-03T06:00:00.000Z",
      "2030-11-03T07:00:00.000Z",
      "2030-11-03T14:00:00.000Z",
      "2030-11-03T15:00:00.000Z",
    ]);
    expect(result.ok && result.summary).toBe("Sunday, November 3 at 12:00 AM, 1:00 AM, 1:00 AM, 2:00 AM, 9:00 AM and 10:00 AM");
  });

  it("reads a Sydney business's Monday from a server clock that still says Sunday in UTC", async () => {
    const now = new Date("2030-06-02T22:30:00Z"); // Monday 3 June, 08:30 in Sydney (UTC+10)
    const { user, tokens } = await connectedUser(now);
    const agent = await bookingAgent(user.id, {
      calendarId: await ownCalendar(tokens.accessToken),
      timezone: "Australia/Sydney",
      businessHours: { mon: [{ start: "09:00", end: "11:00" }] },
    });
    // Minimum notice 60 minutes: 09:30 is the first bookable start.
    expect(starts(await getAvailability(googleDeps(now), agent, { date: "2030-06-03" }))).toEqual([
      "2030-06-02T23:30:00.000Z",
      "2030-06-03T00:00:00.000Z",
      "2030-06-03T00:30:00.000Z",
    ]);
    // Sunday in Sydney is closed, although it is the server's "today".
    expect(starts(await getAvailability(googleDeps(now), agent, { date: "2030-06-02" }))).toEqual([]);
  });

  it("treats today and tomorrow by the agent's date near midnight UTC", async () => {
    const now = new Date("2030-05-15T06:30:00Z"); // Tuesday 14 May, 23:30 in Los Angeles
    const { user, tokens } = await connectedUser(now);
    const agent = await bookingAgent(user.id, {
      calendarId: await ownCalendar(tokens.accessToken),
      timezone: "America/Los_Angeles",
      horizonDays: 1,
      businessHours: { tue: [{ start: "09:00", end: "10:00" }], wed: [{ start: "09:00", end: "10:00" }], thu: [{ start: "09:00", end: "10:00" }] },
    });
    expect(starts(await getAvailability(googleDeps(now), agent, { date: "2030-05-14" }))).toEqual([]);
    const tomorrow = await getAvailability(googleDeps(now), agent, { date: "2030-05-15" });
    expect(starts(tomorrow)).toEqual(["2030-05-15T16:00:00.000Z", "2030-05-15T16:30:00.000Z"]);
    expect(tomorrow.ok && tomorrow.summary).toBe("Wednesday at 9:00 AM and 9:30 AM");
    // A horizon of one day ends with tomorrow in Los Angeles, not with tomorrow in UTC.
    expect(starts(await getAvailability(googleDeps(now), agent, { date: "2030-05-16" }))).toEqual([]);
  });

  it("answers typed failures: bad date, booking off, Google not connected, Google down", async () => {
    const now = new Date("2030-05-13T12:00:00Z");
    const { user, tokens } = await connectedUser(now);
    const agent = await bookingAgent(user.id, { calendarId: await ownCalendar(tokens.accessToken) });
    expect(await getAvailability(googleDeps(now), agent, { date: "2030-02-30" })).toMatchObject({ ok: false, code: "invalid_time" });
    expect(await getAvailability(googleDeps(now), { ...agent, bookingEnabled: false }, { date: "2030-05-14" })).toMatchObject({ ok: false, code: "booking_disabled" });
    const stranger = await bookingAgent((await connectedUser(now)).user.id);
    expect(await getAvailability(googleDeps(now), { ...stranger, businessId: crypto.randomUUID() }, { date: "2030-05-14" })).toMatchObject({
      ok: false,
      code: "google_not_connected",
      message: expect.stringMatching(/can't reach the calendar/),
    });
    await google.fault({ method: "POST", path: "/calendar/v3/freeBusy", status: 503, body: googleApiError(503, "UNAVAILABLE", "The service is currently unavailable.") });
    expect(await getAvailability(googleDeps(now), agent, { date: "2030-05-14" })).toMatchObject({ ok: false, code: "google_unavailable" });
  });

  it("gives up within the deadline when Google is slow", async () => {
    const now = new Date("2030-05-13T12:00:00Z");
    const { user, tokens } = await connectedUser(now);
    const agent = await bookingAgent(user.id, { calendarId: await ownCalendar(tokens.accessToken) });
    await google.fault({ method: "POST", path: "/calendar/v3/freeBusy", delayMs: 3000 });
    expect(await getAvailability(googleDeps(now), agent, { date: "2030-05-14" }, { timeoutMs: 300 })).toMatchObject({ ok: false, code: "google_unavailable" });
  });
});

/** A salon: lunch 12–1 on Tuesdays, Ana does everything, Ben cuts only and works Tuesday afternoons on his own hours. */
async function salon(now: Date, overrides: Partial<Agent> = {}) {
  const { user, tokens } = await connectedUser(now);
  const [ana, ben] = [await ownCalendar(tokens.accessToken), await ownCalendar(tokens.accessToken)];
  const agent = await bookingAgent(user.id, {
    calendarId: await ownCalendar(tokens.accessToken),
    businessHours: { tue: [{ start: "09:00", end: "12:00" }, { start: "13:00", end: "17:00" }] },
    bookingStaff: [
      { id: "ana", name: "Ana", calendarId: ana },
      { id: "ben", name: "Ben", calendarId: ben, businessHours: { tue: [{ start: "14:00", end: "16:00" }] } },
    ],
    bookingServices: [
      { id: "cut", name: "Haircut", minutes: 45, priceCents: 4000 },
      { id: "colour", name: "Colour", minutes: 180, staffIds: ["ana"] },
    ],
    ...overrides,
  });
  return { user, tokens, agent, ana, ben };
}

const at = (result: Awaited<ReturnType<typeof getAvailability>>) =>
  result.ok ? result.slots.map((slot) => `${slot.start.slice(11, 16)} ${(slot.staff ?? []).map((m) => m.name).join("+")}`) : result;

describe("availability for services and staff", () => {
  const now = new Date("2030-05-13T12:00:00Z"); // Monday 08:00 in New York; Tuesday the 14th is EDT (UTC-4)

  it("gives a service its real length on the agent's grid, never across the lunch break, and is the union over the staff who offer it", async () => {
    const { tokens, agent, ana, ben } = await salon(now);
    await putEvent(tokens.accessToken, ana, "2030-05-14T09:00:00-04:00", "2030-05-14T11:00:00-04:00");
    const mark = await google.mark();
    const result = await getAvailability(googleDeps(now), agent, { date: "2030-05-14", service: "haircuts" });
    // 45 minutes, starting every 30: Ana is busy 9–11, so her morning is 11:00 (11:30 would run into lunch).
    expect(at(result)).toEqual([
      "15:00 Ana", // 11:00–11:45
      "17:00 Ana", // 13:00
      "17:30 Ana",
      "18:00 Ana+Ben", // 14:00: Ben's own hours begin
      "18:30 Ana+Ben",
      "19:00 Ana+Ben",
      "19:30 Ana", // 15:30–16:15 does not fit Ben's 16:00 close
      "20:00 Ana",
    ]);
    expect(result.ok && result.service).toEqual({ id: "cut", name: "Haircut", minutes: 45, priceCents: 4000 });
    expect(result.ok && result.slots[0]).toMatchObject({ start: "2030-05-14T15:00:00.000Z", end: "2030-05-14T15:45:00.000Z" });
    const queries = (await google.requests(mark)).filter((r) => r.path === "/calendar/v3/freeBusy");
    expect(queries).toHaveLength(1);
    expect(queries[0]?.body).toMatchObject({ items: [{ id: ana }, { id: ben }] });
  });

  it("a service only one staff member offers is on that calendar alone; a named staff member is theirs alone", async () => {
    const { tokens, agent, ben } = await salon(now);
    // Three hours, from each opening: the morning range is exactly one colour, the afternoon 13:00 and 13:30 (ends 16:30, 16:30 ≤ 17).
    expect(at(await getAvailability(googleDeps(now), agent, { date: "2030-05-14", service: "colour" }))).toEqual(["13:00 Ana", "17:00 Ana", "17:30 Ana", "18:00 Ana"]);
    await putEvent(tokens.accessToken, ben, "2030-05-14T14:30:00-04:00", "2030-05-14T15:00:00-04:00");
    expect(at(await getAvailability(googleDeps(now), agent, { date: "2030-05-14", service: "Haircut", staff: "ben" }))).toEqual(["19:00 Ben"]);
    expect(await getAvailability(googleDeps(now), agent, { date: "2030-05-14", service: "colour", staff: "Ben" })).toMatchObject({
      ok: false,
      code: "unknown_staff",
      message: "Ben doesn't do Colour. Ana does.",
    });
  });

  it("an unknown service gets one speakable line listing what we offer, with lengths and prices", async () => {
    const { agent } = await salon(now);
    expect(await getAvailability(googleDeps(now), agent, { date: "2030-05-14", service: "massage" })).toMatchObject({
      ok: false,
      code: "unknown_service",
      message: 'We don\'t offer "massage". We offer Haircut, 45 minutes, $40; and Colour, 3 hours.',
    });
  });

  it("leaves out a time another caller is booking right now (a live hold on that staff member's calendar)", async () => {
    const { user, agent, ben } = await salon(now);
    await db.insert(bookingHolds).values({
      agentId: agent.id,
      businessId: user.id,
      calendarId: ben.toLowerCase(),
      startAt: new Date("2030-05-14T18:00:00Z"),
      endAt: new Date("2030-05-14T18:45:00Z"),
      expiresAt: new Date(now.getTime() + 60_000),
      status: "held",
    });
    const result = await getAvailability(googleDeps(now), agent, { date: "2030-05-14", service: "Haircut", staff: "Ben" });
    expect(at(result)).toEqual(["19:00 Ben"]);
  });

  it("says a closure's reason and the next day with openings", async () => {
    const { agent } = await salon(now, {
      bookingClosures: [{ from: "2030-05-14", to: "2030-05-20", reason: "our spring break" }],
      businessHours: { tue: [{ start: "09:00", end: "12:00" }], wed: [{ start: "09:00", end: "10:00" }] },
    });
    const result = await getAvailability(googleDeps(now), agent, { date: "2030-05-14", service: "Haircut", staff: "Ana" });
    expect(result).toMatchObject({ ok: true, slots: [], closed: { reason: "our spring break", nextDate: "2030-05-21" } });
    expect(result.ok && result.summary).toBe("We're closed on Tuesday, May 14 for our spring break; Tuesday, May 21 has 9:00 AM, 9:30 AM, 10:00 AM, 10:30 AM and 11:00 AM");
  });
});

describe("the availability engine on daylight-saving days (pure)", () => {
  beforeAll(loadTemporal);
  const agentOn = (timezone: string, hours: Agent["businessHours"], overrides: Partial<Agent> = {}) =>
    ({
      id: "a",
      userId: "u",
      timezone,
      businessHours: hours,
      appointmentMinutes: 30,
      bufferMinutes: 0,
      minNoticeMinutes: 0,
      horizonDays: 365,
      bookingServices: [{ id: "long", name: "Long treatment", minutes: 90 }],
      bookingStaff: [{ id: "s", name: "Sam", calendarId: "sam" }],
      bookingClosures: [],
      ...overrides,
    }) as Agent;
  const slotsOf = (agent: Agent, date: string, now: Date) => {
    const service = serviceFor(agent, "long treatment");
    if (!service.ok) throw new Error(service.message);
    const staff = staffFor(agent, service.value, null);
    if (!staff.ok) throw new Error(staff.message);
    return unionSlots(staff.value.map((member) => ({ staff: member, busy: [] })), parseDate(date) as NonNullable<ReturnType<typeof parseDate>>, now).map((slot) => [slot.start.toISOString(), slot.end.toISOString()]);
  };

  it("New York spring-forward (10 March 2030): 90 minutes across 02:00 is 90 real minutes, the break kept", () => {
    const agent = agentOn("America/New_York", { sun: [{ start: "00:30", end: "03:30" }, { start: "09:00", end: "10:30" }] });
    // 00:30 EST = 05:30Z; 03:30 EDT = 07:30Z: only two real hours, so 90-minute starts are 05:30 and 06:00Z.
    expect(slotsOf(agent, "2030-03-10", new Date("2030-03-01T00:00:00Z"))).toEqual([
      ["2030-03-10T05:30:00.000Z", "2030-03-10T07:00:00.000Z"],
      ["2030-03-10T06:00:00.000Z", "2030-03-10T07:30:00.000Z"],
      ["2030-03-10T13:00:00.000Z", "2030-03-10T14:30:00.000Z"],
    ]);
  });

  it("New York fall-back (3 November 2030): the repeated hour is bookable twice", () => {
    const agent = agentOn("America/New_York", { sun: [{ start: "00:30", end: "02:30" }] });
    // 00:30 EDT = 04:30Z; 02:30 EST = 07:30Z: three real hours, starts every 30 minutes up to 06:00Z.
    expect(slotsOf(agent, "2030-11-03", new Date("2030-10-01T00:00:00Z")).map(([start]) => start)).toEqual([
      "2030-11-03T04:30:00.000Z",
      "2030-11-03T05:00:00.000Z",
      "2030-11-03T05:30:00.000Z",
      "2030-11-03T06:00:00.000Z",
    ]);
  });

  it("London spring-forward (31 March 2030) and fall-back (27 October 2030), with the staff member's own hours", () => {
    const staffHours = { sun: [{ start: "00:00", end: "03:00" }] };
    const agent = agentOn("Europe/London", { sun: [] }, { bookingStaff: [{ id: "s", name: "Sam", calendarId: "sam", businessHours: staffHours }] });
    // 31 March: 00:00 GMT = 00:00Z, 03:00 BST = 02:00Z: two real hours.
    expect(slotsOf(agent, "2030-03-31", new Date("2030-03-01T00:00:00Z"))).toEqual([
      ["2030-03-31T00:00:00.000Z", "2030-03-31T01:30:00.000Z"],
      ["2030-03-31T00:30:00.000Z", "2030-03-31T02:00:00.000Z"],
    ]);
    // 27 October: 00:00 BST = 26th 23:00Z, 03:00 GMT = 03:00Z: four real hours.
    expect(slotsOf(agent, "2030-10-27", new Date("2030-10-01T00:00:00Z")).map(([start]) => start)).toEqual([
      "2030-10-26T23:00:00.000Z",
      "2030-10-26T23:30:00.000Z",
      "2030-10-27T00:00:00.000Z",
      "2030-10-27T00:30:00.000Z",
      "2030-10-27T01:00:00.000Z",
      "2030-10-27T01:30:00.000Z",
    ]);
  });

  it("a closure takes the whole day out, whatever the hours", () => {
    const agent = agentOn("Europe/London", { sun: [{ start: "09:00", end: "12:00" }] }, { bookingClosures: [{ from: "2030-10-27", to: "2030-10-27" }] });
    expect(slotsOf(agent, "2030-10-27", new Date("2030-10-01T00:00:00Z"))).toEqual([]);
    expect(slotsOf(agent, "2030-11-03", new Date("2030-10-01T00:00:00Z"))).toHaveLength(4); // 9:00 to 10:30
  });

  it("matches services and staff by name forgivingly, and refuses a guess between two", () => {
    const items = [{ name: "Women's Cut" }, { name: "Men's Cut" }, { name: "Colour" }, { name: "Beard trim" }];
    expect(matchByName(items, "womens cuts")?.name).toBe("Women's Cut");
    expect(matchByName(items, "COLOUR")?.name).toBe("Colour");
    expect(matchByName(items, "a beard trim please")?.name).toBe("Beard trim");
    expect(matchByName(items, "trim")?.name).toBe("Beard trim");
    expect(matchByName(items, "cut")).toBeUndefined();
    expect(matchByName(items, "massage")).toBeUndefined();
  });
});
