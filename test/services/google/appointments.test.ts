import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { bookingHolds } from "../../../src/db/schema";
import { bookAppointment, cancelAppointment, listAppointments, moveAppointment } from "../../../src/services/google";
import { db } from "../../support/db";
import { bookingAgent, calendarEvents, connectedUser, googleDeps, ownCalendar, putEvent } from "../../support/google";

const NOW = new Date("2030-05-13T12:00:00Z"); // Monday 08:00 in New York
const JANE = "+14155550100";
const MALLORY = "+14155550666";

async function setUp() {
  const { user, tokens } = await connectedUser(NOW);
  const calendarId = await ownCalendar(tokens.accessToken);
  const agent = await bookingAgent(user.id, { calendarId });
  const deps = googleDeps(NOW);
  const book = async (phone: string, start: string, name = "Jane") => {
    const result = await bookAppointment(deps, agent, { name, callerPhone: phone, start, idempotencyKey: crypto.randomUUID() });
    if (!result.ok) throw new Error(result.message);
    return result.event;
  };
  return { agent, deps, tokens, calendarId, book };
}

describe("cancel and move", () => {
  it("a caller cancels their own booking, found by the number they call from", async () => {
    const { agent, deps, tokens, calendarId, book } = await setUp();
    const mine = await book(JANE, "2030-05-14T10:00:00-04:00");
    const theirs = await book(MALLORY, "2030-05-14T11:00:00-04:00", "Mallory");
    const result = await cancelAppointment(deps, agent, { callerPhone: "+1 (415) 555-0100" });
    expect(result).toMatchObject({ ok: true, cancelled: { id: mine.id }, message: "Your appointment on Tuesday at 10:00 AM is cancelled." });
    const events = await calendarEvents(tokens.accessToken, calendarId);
    expect(events.find((e) => e.id === mine.id)?.status).toBe("cancelled");
    expect(events.find((e) => e.id === theirs.id)?.status).toBe("confirmed");
    // The freed time books again.
    expect(await bookAppointment(deps, agent, { name: "Sam", callerPhone: "+14155550123", start: "2030-05-14T10:00:00-04:00", idempotencyKey: "again" })).toMatchObject({ ok: true });
  });

  it("nobody can cancel or move another caller's booking, even naming its exact time", async () => {
    const { agent, deps, tokens, calendarId, book } = await setUp();
    const janes = await book(JANE, "2030-05-14T10:00:00-04:00");
    expect(await cancelAppointment(deps, agent, { callerPhone: MALLORY, start: "2030-05-14T10:00:00-04:00" })).toMatchObject({ ok: false, code: "no_appointment" });
    expect(await moveAppointment(deps, agent, { callerPhone: MALLORY, from: "2030-05-14T10:00:00-04:00", newStart: "2030-05-14T15:00:00-04:00" })).toMatchObject({ ok: false, code: "no_appointment" });
    expect(await cancelAppointment(deps, agent, { callerPhone: null })).toMatchObject({ ok: false, code: "no_appointment" });
    // An event the owner made by hand with the same phone in its text is not a booking of ours.
    await putEvent(tokens.accessToken, calendarId, "2030-05-14T12:00:00-04:00", "2030-05-14T12:30:00-04:00", { description: `Phone: ${MALLORY}` });
    expect(await cancelAppointment(deps, agent, { callerPhone: MALLORY })).toMatchObject({ ok: false, code: "no_appointment" });
    // Nor a booking made for another agent on the same calendar.
    const other = await bookingAgent(agent.businessId, { calendarId });
    expect(await cancelAppointment(deps, other, { callerPhone: JANE })).toMatchObject({ ok: false, code: "no_appointment" });
    expect((await calendarEvents(tokens.accessToken, calendarId)).find((e) => e.id === janes.id)?.status).toBe("confirmed");
  });

  it("a booking belongs to the number that called; a number the caller spoke is contact data and grants nothing", async () => {
    const { agent, deps, tokens, calendarId } = await setUp();
    const booked = await bookAppointment(deps, agent, { name: "Jane", callerPhone: JANE, phone: "+1 (415) 555-0666", start: "2030-05-14T10:00:00-04:00", idempotencyKey: "spoken" });
    if (!booked.ok) throw new Error(booked.message);
    const event = (await calendarEvents(tokens.accessToken, calendarId)).find((e) => e.id === booked.event.id);
    expect(event?.extendedProperties?.private).toMatchObject({ agentlinePhone: JANE, agentlineContactPhone: MALLORY });
    expect(event?.description).toContain(`Phone: ${MALLORY}\nCalled from: ${JANE}`);
    const list = await listAppointments(deps, agent);
    expect(list.ok && list.appointments.map((a) => a.phone)).toEqual([MALLORY]);
    expect(await cancelAppointment(deps, agent, { callerPhone: MALLORY })).toMatchObject({ ok: false, code: "no_appointment" });
    expect(await moveAppointment(deps, agent, { callerPhone: MALLORY, newStart: "2030-05-14T15:00:00-04:00" })).toMatchObject({ ok: false, code: "no_appointment" });
    expect(await cancelAppointment(deps, agent, { callerPhone: JANE })).toMatchObject({ ok: true, cancelled: { id: booked.event.id } });
  });

  it("a double booking from before migration 0007 is checked by the calendar's rule again when it is moved", async () => {
    const { agent, deps, tokens, calendarId, book } = await setUp();
    await book(MALLORY, "2030-05-14T10:00:00-04:00", "Mallory");
    // Another agent on the same calendar booked 10:00 too, under the old per-agent rule.
    const other = await bookingAgent(agent.businessId, { calendarId });
    const event = await putEvent(tokens.accessToken, calendarId, "2030-05-14T10:00:00-04:00", "2030-05-14T10:30:00-04:00", {
      extendedProperties: { private: { agentlineAgentId: other.id, agentlinePhone: JANE } },
    });
    const range = { startAt: new Date("2030-05-14T14:00:00Z"), endAt: new Date("2030-05-14T14:30:00Z") };
    await db.insert(bookingHolds).values({ agentId: other.id, businessId: agent.businessId, calendarId, ...range, expiresAt: range.endAt, status: "confirmed", googleEventId: event.id, callerPhone: JANE, legacyOverlap: true });
    // Even "moving" it onto its own time: it overlaps the booking that kept its place.
    expect(await moveAppointment(deps, other, { callerPhone: JANE, newStart: "2030-05-14T10:00:00-04:00" })).toMatchObject({ ok: false, code: "slot_taken" });
    expect(await moveAppointment(deps, other, { callerPhone: JANE, newStart: "2030-05-14T11:00:00-04:00" })).toMatchObject({ ok: true });
    const [hold] = await db.select().from(bookingHolds).where(eq(bookingHolds.googleEventId, event.id));
    expect(hold).toMatchObject({ legacyOverlap: false, startAt: new Date("2030-05-14T15:00:00Z") });
  });

  it("a caller with several bookings is asked which one, and can name it by its time", async () => {
    const { agent, deps, book } = await setUp();
    await book(JANE, "2030-05-14T10:00:00-04:00");
    const second = await book(JANE, "2030-05-15T14:00:00-04:00");
    expect(await cancelAppointment(deps, agent, { callerPhone: JANE })).toMatchObject({
      ok: false,
      code: "ambiguous",
      message: "I see 2 appointments for you: Tuesday at 10:00 AM and Wednesday at 2:00 PM. Which one do you mean?",
    });
    expect(await cancelAppointment(deps, agent, { callerPhone: JANE, start: "2030-05-15T14:00:00-04:00" })).toMatchObject({ ok: true, cancelled: { id: second.id } });
  });

  it("moves the caller's booking to a free slot and frees the old time", async () => {
    const { agent, deps, tokens, calendarId, book } = await setUp();
    const booked = await book(JANE, "2030-05-14T10:00:00-04:00");
    const result = await moveAppointment(deps, agent, { callerPhone: JANE, newStart: "2030-05-14T10:30:00-04:00" });
    expect(result).toMatchObject({ ok: true, appointment: { id: booked.id, start: "2030-05-14T14:30:00.000Z" }, message: "Done. Your appointment is now Tuesday at 10:30 AM." });
    const event = (await calendarEvents(tokens.accessToken, calendarId)).find((e) => e.id === booked.id);
    expect(Date.parse(event?.start.dateTime ?? "")).toBe(Date.parse("2030-05-14T14:30:00Z"));
    expect(await bookAppointment(deps, agent, { name: "Sam", callerPhone: "+14155550123", start: "2030-05-14T10:00:00-04:00", idempotencyKey: "old-time" })).toMatchObject({ ok: true });
    const list = await listAppointments(deps, agent);
    expect(list.ok && list.appointments.map((a) => [a.start, a.phone])).toEqual([
      ["2030-05-14T14:00:00.000Z", "+14155550123"],
      ["2030-05-14T14:30:00.000Z", JANE],
    ]);
  });

  it("refuses a move onto someone else's booking or an invalid time, and keeps the booking where it was", async () => {
    const { agent, deps, tokens, calendarId, book } = await setUp();
    const booked = await book(JANE, "2030-05-14T10:00:00-04:00");
    await book(MALLORY, "2030-05-14T11:00:00-04:00", "Mallory");
    expect(await moveAppointment(deps, agent, { callerPhone: JANE, newStart: "2030-05-14T11:00:00-04:00" })).toMatchObject({ ok: false, code: "slot_taken" });
    expect(await moveAppointment(deps, agent, { callerPhone: JANE, newStart: "2030-05-19T11:00:00-04:00" })).toMatchObject({ ok: false, code: "invalid_time", reason: "closed" });
    const event = (await calendarEvents(tokens.accessToken, calendarId)).find((e) => e.id === booked.id);
    expect(Date.parse(event?.start.dateTime ?? "")).toBe(Date.parse("2030-05-14T14:00:00Z"));
    // Its hold stayed too: the old time is still taken.
    expect(await bookAppointment(deps, agent, { name: "Sam", callerPhone: "+14155550123", start: "2030-05-14T10:00:00-04:00", idempotencyKey: "x" })).toMatchObject({ ok: false, code: "slot_taken" });
  });
});
