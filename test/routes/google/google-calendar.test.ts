import { describe, expect, it } from "vitest";
import { markNeedsReconnect } from "../../../src/services/google/connection";
import { bookingAgent, connectedUser, googleDeps, ownCalendar } from "../../support/google";
import { call, errorOf } from "../../support/http";

// The routes judge by the real clock: book far enough ahead, inside a 365-day horizon.
function nextWeekday(daysAhead: number, weekday: number) {
  const date = new Date(Date.now() + daysAhead * 86_400_000);
  while (date.getUTCDay() !== weekday) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

async function setUp() {
  const now = new Date();
  const owner = await connectedUser(now);
  const agent = await bookingAgent(owner.user.id, { calendarId: await ownCalendar(owner.tokens.accessToken), horizonDays: 60, timezone: "UTC" });
  return { ...owner, agent, date: nextWeekday(7, 2) };
}

describe("calendar routes", () => {
  it("lists slots, books one (201, then 409 slot_taken for another caller), lists the appointment", async () => {
    const { cookie, agent, date } = await setUp();
    const slots = await call(`/api/google/calendar/availability?agentId=${agent.id}&date=${date}`, { cookie });
    expect(slots.status).toBe(200);
    const body = (await slots.json()) as { slots: { start: string; end: string }[]; timeZone: string };
    expect(body.slots[0]).toEqual({ start: `${date}T09:00:00.000Z`, end: `${date}T09:30:00.000Z` });
    expect(body.slots).toHaveLength(16);

    const booked = await call("/api/google/calendar/book", { method: "POST", cookie, json: { agentId: agent.id, start: `${date}T09:00:00Z`, name: "Jane Caller", phone: "+14155550100" } });
    expect(booked.status).toBe(201);
    const event = ((await booked.json()) as { event: { id: string; start: string; end: string } }).event;
    expect(event).toMatchObject({ start: `${date}T09:00:00.000Z`, end: `${date}T09:30:00.000Z` });

    const taken = await call("/api/google/calendar/book", { method: "POST", cookie, json: { agentId: agent.id, start: `${date}T09:00:00Z`, name: "Bob" } });
    expect(taken.status).toBe(409);
    expect(await errorOf(taken)).toMatchObject({ code: "slot_taken", details: { nextOpening: { start: `${date}T09:30:00.000Z` } } });

    const after = (await (await call(`/api/google/calendar/availability?agentId=${agent.id}&date=${date}`, { cookie })).json()) as { slots: { start: string }[] };
    expect(after.slots.map((s) => s.start)).not.toContain(`${date}T09:00:00.000Z`);

    const list = await call(`/api/google/calendar/appointments?agentId=${agent.id}`, { cookie });
    expect(await list.json()).toEqual({ appointments: [{ id: event.id, start: event.start, end: event.end, name: "Jane Caller", phone: "+14155550100" }] });
  });

  it("replays a booking with the same Idempotency-Key", async () => {
    const { cookie, agent, date } = await setUp();
    const book = () => call("/api/google/calendar/book", { method: "POST", cookie, headers: { "idempotency-key": "form-submit-1" }, json: { agentId: agent.id, start: `${date}T10:00:00Z`, name: "Jane" } });
    const first = await book();
    const second = await book();
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(await second.json()).toEqual(await first.json());
  });

  it("answers 400 with a correction, 409 google_not_connected, 404 for another user's agent", async () => {
    const { cookie, agent, date, user } = await setUp();
    const sunday = nextWeekday(7, 0);
    const closed = await call("/api/google/calendar/book", { method: "POST", cookie, json: { agentId: agent.id, start: `${sunday}T10:00:00Z`, name: "Jane" } });
    expect(closed.status).toBe(400);
    expect(await errorOf(closed)).toMatchObject({ code: "invalid_time", message: expect.stringMatching(/^We're closed on Sundays; the next opening is Monday/), details: { reason: "closed" } });
    const bad = await call("/api/google/calendar/book", { method: "POST", cookie, json: { agentId: agent.id, start: "tomorrow at 3", name: "" } });
    expect(bad.status).toBe(400);
    expect((await errorOf(bad)).code).toBe("validation_failed");
    expect((await call(`/api/google/calendar/availability?agentId=${agent.id}&date=someday`, { cookie })).status).toBe(400);

    const stranger = await connectedUser(new Date());
    expect((await call(`/api/google/calendar/availability?agentId=${agent.id}&date=${date}`, { cookie: stranger.cookie })).status).toBe(404);
    expect((await call("/api/google/calendar/book", { method: "POST", cookie: stranger.cookie, json: { agentId: agent.id, start: `${date}T11:00:00Z`, name: "X" } })).status).toBe(404);

    await markNeedsReconnect(googleDeps(new Date()), user.id, "test");
    const notConnected = await call(`/api/google/calendar/availability?agentId=${agent.id}&date=${date}`, { cookie });
    expect(notConnected.status).toBe(409);
    expect((await errorOf(notConnected)).code).toBe("google_not_connected");
    const me = (await (await call("/api/me", { cookie })).json()) as { user: { google: { status: string } } };
    expect(me.user.google.status).toBe("needs_reconnect");
    expect((await call(`/api/google/calendar/availability?agentId=${agent.id}&date=${date}`)).status).toBe(401);
  });

  it("a booking's name is one line and its notes have no control characters; notes keep their line breaks (docs/architecture.md §13)", async () => {
    const { cookie, agent, date } = await setUp();
    const book = (fields: Record<string, string>, hour: string) =>
      call("/api/google/calendar/book", { method: "POST", cookie, json: { agentId: agent.id, start: `${date}T${hour}:00:00Z`, name: "Jane", ...fields } });
    for (const name of ["Jane\tCaller", "Jane\nACTION REQUIRED", "Jane\r\nX", "Jane\u0085X", "Jane\u2028X", "Jane\u001bX"]) {
      const refused = await book({ name }, "09");
      expect(refused.status, JSON.stringify(name)).toBe(400);
      expect(await errorOf(refused)).toMatchObject({ code: "validation_failed", message: "name: must be one line of text, without line breaks or control characters" });
    }
    for (const notes of ["Back door\u0085please", "bad\u0000value", "ring\u0007twice"]) {
      const refused = await book({ notes }, "09");
      expect(refused.status, JSON.stringify(notes)).toBe(400);
      expect(await errorOf(refused)).toMatchObject({ code: "validation_failed", message: "notes: must be text without control characters (such as NUL)" });
    }
    const kept = await book({ notes: "Use the back door.\nRing twice.\tThanks" }, "10");
    expect(kept.status).toBe(201);
    const list = (await (await call(`/api/google/calendar/appointments?agentId=${agent.id}`, { cookie })).json()) as { appointments: unknown[] };
    expect(list.appointments).toHaveLength(1);
  });
});

describe("GET /api/google/calendars", () => {
  it("lists the calendars the connection can see, marking which can take bookings; an older connection without the scope is told to reconnect", async () => {
    const { createUser } = await import("../../support/factories");
    const { saveConnection } = await import("../../../src/services/google/connection");
    const { issueTokens, SCOPES } = await import("../../support/google");
    const owner = await createUser();
    const scopes = `${SCOPES} https://www.googleapis.com/auth/calendar.calendarlist.readonly`;
    const tokens = await issueTokens(scopes);
    await saveConnection(googleDeps(new Date()), owner.user.id, { email: "owner.sandbox@gmail.com", scopes: scopes.split(" "), ...tokens });
    const staffCalendar = await ownCalendar(tokens.accessToken);
    const listed = await call("/api/google/calendars", { cookie: owner.cookie });
    expect(listed.status).toBe(200);
    const { calendars } = (await listed.json()) as { calendars: { id: string; name: string; primary: boolean; bookable: boolean }[] };
    expect(calendars[0]).toEqual({ id: "owner.sandbox@gmail.com", name: "owner.sandbox@gmail.com", primary: true, accessRole: "owner", bookable: true });
    expect(calendars).toContainEqual({ id: staffCalendar, name: "test calendar", primary: false, accessRole: "owner", bookable: true });

    const older = await connectedUser(new Date()); // the scopes before the calendar list was asked for
    const refused = await call("/api/google/calendars", { cookie: older.cookie });
    expect(refused.status).toBe(409);
    expect(await errorOf(refused)).toMatchObject({ code: "google_not_connected", message: expect.stringMatching(/Reconnect Google/) });
  });
});
