/**
 * GET /api/appointments and the dashboard's cancel and move (docs/architecture.md §12): the
 * business's bookings from booking_holds, paginated by start, filtered, isolated per business,
 * staff and up; cancel and move change Google first, then the row, and e-mail the caller.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { bookingHolds, calls } from "../../../src/db/schema";
import { bookAppointment } from "../../../src/services/google";
import { cancelBooking } from "../../../src/services/google/bookings";
import type { SideEffectMessage } from "../../../src/side-effects/messages";
import { db } from "../../support/db";
import { recordingQueue } from "../../support/env";
import { createMember } from "../../support/factories";
import { bookingAgent, calendarEvents, connectedUser, googleDeps, ownCalendar } from "../../support/google";
import { call, errorOf } from "../../support/http";

type Page = { appointments: { id: string; start: string; end: string; service: string | null; staff: { id: string; name: string } | null; name: string; phone: string; status: string; callId: string | null }[]; nextCursor: string | null };

/** A weekday `days` ahead at least, as YYYY-MM-DD (the routes judge by the real clock). */
function tuesdayAhead(days = 7) {
  const date = new Date(Date.now() + days * 86_400_000);
  while (date.getUTCDay() !== 2) date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}

async function salon() {
  const now = new Date();
  const owner = await connectedUser(now);
  const [ana, ben] = [await ownCalendar(owner.tokens.accessToken), await ownCalendar(owner.tokens.accessToken)];
  const agent = await bookingAgent(owner.user.id, {
    calendarId: await ownCalendar(owner.tokens.accessToken),
    timezone: "UTC",
    horizonDays: 60,
    businessHours: { tue: [{ start: "09:00", end: "17:00" }] },
    bookingStaff: [
      { id: "ana", name: "Ana", calendarId: ana },
      { id: "ben", name: "Ben", calendarId: ben },
    ],
    bookingServices: [{ id: "cut", name: "Haircut", minutes: 45 }],
  });
  const deps = googleDeps(() => new Date());
  const book = async (time: string, staff: string, extra: Record<string, unknown> = {}) => {
    const result = await bookAppointment(deps, agent, { name: `Caller ${time}`, callerPhone: "+14155550100", service: "Haircut", staff, start: `${date}T${time}:00Z`, idempotencyKey: `t:${crypto.randomUUID()}`, ...extra });
    if (!result.ok) throw new Error(result.message);
    const [hold] = await db.select().from(bookingHolds).where(eq(bookingHolds.googleEventId, result.event.id));
    return hold as NonNullable<typeof hold>;
  };
  const date = tuesdayAhead();
  return { ...owner, agent, ana, ben, book, date };
}

describe("GET /api/appointments", () => {
  it("lists the business's bookings by start, paginated, with service, staff, caller, status and the call", async () => {
    const { cookie, agent, book, date, user } = await salon();
    const [vapiCallId] = [`call-${crypto.randomUUID()}`];
    const [callRow] = await db.insert(calls).values({ businessId: user.id, agentId: agent.id, vapiCallId, status: "ended" }).returning();
    const first = await book("10:00", "Ana", { callId: vapiCallId, email: "caller@example.com" });
    const second = await book("09:00", "Ben");
    const third = await book("11:00", "Ben");
    // A hold still in flight is not a booking yet.
    await db.insert(bookingHolds).values({ agentId: agent.id, businessId: user.id, calendarId: "other", startAt: new Date(`${date}T13:00:00Z`), endAt: new Date(`${date}T13:30:00Z`), expiresAt: new Date(Date.now() + 60_000), status: "held" });

    const page1 = (await (await call("/api/appointments?limit=2", { cookie })).json()) as Page;
    expect(page1.appointments.map((a) => a.id)).toEqual([second.id, first.id]);
    expect(page1.appointments[1]).toEqual({
      id: first.id,
      agentId: agent.id,
      start: `${date}T10:00:00.000Z`,
      end: `${date}T10:45:00.000Z`,
      service: "Haircut",
      staff: { id: "ana", name: "Ana" },
      name: "Caller 10:00",
      phone: "+14155550100",
      email: "caller@example.com",
      status: "booked",
      callId: callRow?.id,
    });
    expect(page1.nextCursor).toEqual(expect.any(String));
    const page2 = (await (await call(`/api/appointments?limit=2&cursor=${page1.nextCursor}`, { cookie })).json()) as Page;
    expect(page2.appointments.map((a) => a.id)).toEqual([third.id]);
    expect(page2.nextCursor).toBeNull();

    const bens = (await (await call("/api/appointments?staffId=ben", { cookie })).json()) as Page;
    expect(bens.appointments.map((a) => a.id)).toEqual([second.id, third.id]);
    const window = (await (await call(`/api/appointments?from=${date}T09:50:00Z&to=${date}T10:50:00Z&agentId=${agent.id}`, { cookie })).json()) as Page;
    expect(window.appointments.map((a) => a.id)).toEqual([first.id]);
  });

  it("pages latest first with order=desc (the past, most recent first), continuing by cursor", async () => {
    const { cookie, book } = await salon();
    const early = await book("09:00", "Ana");
    const middle = await book("10:00", "Ben");
    const late = await book("11:00", "Ana");
    const page1 = (await (await call("/api/appointments?order=desc&limit=2", { cookie })).json()) as Page;
    expect(page1.appointments.map((a) => a.id)).toEqual([late.id, middle.id]);
    const page2 = (await (await call(`/api/appointments?order=desc&limit=2&cursor=${page1.nextCursor}`, { cookie })).json()) as Page;
    expect(page2.appointments.map((a) => a.id)).toEqual([early.id]);
    expect(page2.nextCursor).toBeNull();
    const wrong = await call("/api/appointments?order=newest", { cookie });
    expect(wrong.status).toBe(400);
    expect((await errorOf(wrong)).details).toEqual([{ path: "order", message: "must be asc (earliest first) or desc (latest first)" }]);
  });

  it("answers a cancel and a move with the booking's call, as the list does (the page links it)", async () => {
    const { cookie, agent, book, date, user } = await salon();
    const vapiCallId = `call-${crypto.randomUUID()}`;
    const [callRow] = await db.insert(calls).values({ businessId: user.id, agentId: agent.id, vapiCallId, status: "ended" }).returning();
    const booked = await book("10:00", "Ana", { callId: vapiCallId });
    const moved = await call(`/api/appointments/${booked.id}/move`, { method: "POST", cookie, json: { start: `${date}T14:00:00Z` } });
    expect(((await moved.json()) as { appointment: { callId: string | null } }).appointment.callId).toBe(callRow?.id);
    const cancelled = await call(`/api/appointments/${booked.id}/cancel`, { method: "POST", cookie });
    expect(((await cancelled.json()) as { appointment: { callId: string | null } }).appointment.callId).toBe(callRow?.id);
  });

  it("cancels (Google first, the caller e-mailed) and moves (Google moved; a time another booking on that calendar has is 409)", async () => {
    const { cookie, book, tokens, ana, date } = await salon();
    const cut = await book("10:00", "Ana");
    const other = await book("12:00", "Ana");
    const moved = await call(`/api/appointments/${cut.id}/move`, { method: "POST", cookie, json: { start: `${date}T14:00:00Z` } });
    expect(moved.status).toBe(200);
    expect(((await moved.json()) as { appointment: Page["appointments"][number] }).appointment).toMatchObject({ start: `${date}T14:00:00.000Z`, end: `${date}T14:45:00.000Z`, status: "moved" });
    const event = (await calendarEvents(tokens.accessToken, ana)).find((e) => e.id === cut.googleEventId);
    expect(new Date(event?.start.dateTime ?? "").toISOString()).toBe(`${date}T14:00:00.000Z`);

    const clash = await call(`/api/appointments/${cut.id}/move`, { method: "POST", cookie, json: { start: `${date}T11:30:00Z` } });
    expect(clash.status).toBe(409);
    expect((await errorOf(clash)).code).toBe("slot_taken");
    expect((await db.select().from(bookingHolds).where(eq(bookingHolds.id, cut.id)))[0]?.startAt.toISOString()).toBe(`${date}T14:00:00.000Z`);
    const closed = await call(`/api/appointments/${cut.id}/move`, { method: "POST", cookie, json: { start: `${date}T18:00:00Z` } });
    expect(closed.status).toBe(400);
    expect((await errorOf(closed)).code).toBe("invalid_time");

    const cancelled = await call(`/api/appointments/${other.id}/cancel`, { method: "POST", cookie });
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as { appointment: { status: string } }).appointment.status).toBe("cancelled");
    expect((await calendarEvents(tokens.accessToken, ana)).find((e) => e.id === other.googleEventId)?.status).toBe("cancelled");
    const again = await call(`/api/appointments/${other.id}/cancel`, { method: "POST", cookie });
    expect(again.status).toBe(200);
    const list = (await (await call("/api/appointments?status=cancelled", { cookie })).json()) as Page;
    expect(list.appointments.map((a) => a.id)).toEqual([other.id]);
  });

  it("e-mails the caller through the side-effects queue when the business cancels, only when we have their address", async () => {
    const { book, user } = await salon();
    const queue = recordingQueue<SideEffectMessage>();
    const deps = { ...googleDeps(() => new Date()), env: { SIDE_EFFECTS: queue } };
    const withEmail = await book("10:00", "Ana", { email: "caller@example.com" });
    const without = await book("11:00", "Ana");
    await cancelBooking(deps, user.id, withEmail.id);
    await cancelBooking(deps, user.id, without.id);
    expect(queue.sent).toEqual([{ type: "email.booking_changed", idempotencyKey: expect.stringContaining(withEmail.id), bookingId: withEmail.id, change: "cancelled" }]);
  });

  it("another business's appointment is 404 to list, cancel and move; staff may read and change appointments", async () => {
    const { book, user } = await salon();
    const theirs = await book("10:00", "Ana");
    const stranger = await salon();
    const strangers = (await (await call("/api/appointments", { cookie: stranger.cookie })).json()) as Page;
    expect(strangers.appointments.map((a) => a.id)).not.toContain(theirs.id);
    for (const action of ["cancel", "move"]) {
      const response = await call(`/api/appointments/${theirs.id}/${action}`, { method: "POST", cookie: stranger.cookie, json: { start: `${stranger.date}T14:00:00Z` } });
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe("not_found");
    }
    expect((await db.select().from(bookingHolds).where(eq(bookingHolds.id, theirs.id)))[0]?.status).toBe("confirmed");

    const staff = await createMember(user.id, "staff");
    const seen = (await (await call("/api/appointments", { cookie: staff.cookie })).json()) as Page;
    expect(seen.appointments.map((a) => a.id)).toContain(theirs.id);
    expect((await call("/api/appointments?status=soon", { cookie: staff.cookie })).status).toBe(400);
    expect((await call("/api/appointments?cursor=nope", { cookie: staff.cookie })).status).toBe(400);
    expect((await call("/api/appointments")).status).toBe(401);
  });
});
