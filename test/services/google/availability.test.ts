import { describe, expect, it } from "vitest";
import { getAvailability } from "../../../src/services/google";
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
