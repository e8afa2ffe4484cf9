/**
 * Appointments a caller made, found by the number they call from: our events carry the number
 * that called (never a number the caller spoke) and the agent's id as private extended
 * properties, and only events matching both (and this agent's calendar) are ever cancelled or
 * moved, so nobody can touch another caller's booking. Also the agent's upcoming bookings for
 * the dashboard.
 */
import { and, eq, ne } from "drizzle-orm";
import { bookingHolds } from "../../db/schema";
import { type CalendarEvent, deleteEvent, listEvents, moveEvent } from "../../integrations/google/calendar";
import { deadline } from "../../integrations/google/oauth";
import { sqlState } from "../../lib/sql-state";
import type { Agent } from "../agents/view";
import { normalizeBusinessHours } from "../assistant/business-hours";
import { calendarIdOf, DEFAULT_TIMEOUT_MS, nextOpening, notBookable } from "./availability";
import { reconcileHolds, retryOnDeadlock } from "./booking";
import { busyExcept, correction, type HoldPlace, holdPlace, normalizePhone, PROPERTY, spokenSlotTaken } from "./booking-support";
import { type GoogleAccess, googleAccess } from "./connection";
import { fail, type GoogleCallOptions, type GoogleDeps, guarded, type Result, type Slot } from "./results";
import { checkStart, rulesOf } from "./slots";
import { parseStart, spokenMoment } from "./time";

export interface Appointment extends Slot {
  id: string;
  name: string | null;
  /** The number to reach the caller on: the one they gave, else the number they called from. */
  phone: string | null;
  /** The Google calendar the event is in: the agent's, or a staff member's. */
  calendarId: string;
  /** The staff member it is with (an id from the agent's booking settings), when it was booked with one. */
  staffId: string | null;
}

const DAY_MS = 86_400_000;

function toAppointment(event: CalendarEvent, calendarId: string): Appointment | null {
  const start = event.start.dateTime ?? event.start.date;
  const end = event.end.dateTime ?? event.end.date;
  if (!start || !end) return null;
  const props = event.extendedProperties?.private ?? {};
  return {
    id: event.id,
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    name: props[PROPERTY.name] ?? null,
    phone: props[PROPERTY.contactPhone] ?? props[PROPERTY.phone] ?? null,
    calendarId,
    staffId: props[PROPERTY.staff] ?? null,
  };
}

/** Every calendar the agent books into: its own, and each staff member's. */
function calendarsOf(agent: Agent, access: GoogleAccess): string[] {
  return [...new Set([calendarIdOf(agent, access), ...(agent.bookingStaff ?? []).map((member) => member.calendarId)])];
}

/** The agent's bookings between `from` and `to` (default: from now, for the horizon). */
export async function listAppointments(
  deps: GoogleDeps,
  agent: Agent,
  input: { from?: Date; to?: Date; callerPhone?: string | null } = {},
  options: GoogleCallOptions = {},
): Promise<Result<{ appointments: Appointment[] }>> {
  return guarded(deps, "appointments", async () => {
    const access = await googleAccess(deps, agent.businessId, deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal));
    return { ok: true, appointments: await findEvents(deps, access, agent, input) };
  });
}

async function findEvents(deps: GoogleDeps, access: GoogleAccess, agent: Agent, input: { from?: Date; to?: Date; callerPhone?: string | null }) {
  const from = input.from ?? deps.now();
  const to = input.to ?? new Date(from.getTime() + (agent.horizonDays + 1) * DAY_MS);
  const wanted: Record<string, string> = { [PROPERTY.agent]: agent.id, ...(input.callerPhone ? { [PROPERTY.phone]: input.callerPhone } : {}) };
  const found = await Promise.all(
    calendarsOf(agent, access).map(async (calendarId) => {
      const events = await listEvents(access, calendarId, { from, to, privateProperties: wanted, maxResults: 250 });
      // The filter is Google's; check it again, since a mistake here would hand out someone else's booking.
      return events
        .filter((event) => event.status !== "cancelled" && Object.entries(wanted).every(([key, value]) => event.extendedProperties?.private?.[key] === value))
        .map((event) => toAppointment(event, calendarId));
    }),
  );
  return found
    .flat()
    .filter((a): a is Appointment => a !== null && new Date(a.start) > deps.now())
    .sort((a, b) => a.start.localeCompare(b.start));
}

/** The caller's one upcoming appointment (at `at`, when given), or the failure to speak. */
async function callersAppointment(deps: GoogleDeps, access: GoogleAccess, agent: Agent, callerPhone: string | null, at: string | null | undefined): Promise<Result<{ appointment: Appointment }>> {
  const timeZone = agent.timezone;
  const now = deps.now();
  if (!callerPhone) return fail("no_appointment", "I can only change appointments booked from the number you're calling from, and I can't see that number on this call.");
  const mine = await findEvents(deps, access, agent, { callerPhone });
  const spoken = (list: Appointment[]) => list.map((a) => spokenMoment(new Date(a.start), timeZone, now)).join(" and ");
  if (!mine.length) return fail("no_appointment", "I don't see any upcoming appointment booked from this phone number.");
  if (at) {
    const when = parseStart(at, timeZone);
    const match = when && mine.find((a) => new Date(a.start).getTime() === when.getTime());
    if (match) return { ok: true, appointment: match };
    return fail("no_appointment", `I don't see an appointment at that time. I have you down for ${spoken(mine)}.`, { choices: mine.map(({ start, end }) => ({ start, end })) });
  }
  if (mine.length > 1) return fail("ambiguous", `I see ${mine.length} appointments for you: ${spoken(mine)}. Which one do you mean?`, { choices: mine.map(({ start, end }) => ({ start, end })) });
  return { ok: true, appointment: mine[0] as Appointment };
}

export async function cancelAppointment(
  deps: GoogleDeps,
  agent: Agent,
  input: { callerPhone: string | null | undefined; start?: string | null },
  options: GoogleCallOptions = {},
): Promise<Result<{ cancelled: Appointment; message: string }>> {
  const disabled = notBookable(agent);
  if (disabled) return disabled;
  return guarded(deps, "cancel", async () => {
    const access = await googleAccess(deps, agent.businessId, deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal));
    const found = await callersAppointment(deps, access, agent, normalizePhone(input.callerPhone), input.start);
    if (!found.ok) return found;
    await deleteEvent(access, found.appointment.calendarId, found.appointment.id, true);
    await deps.db
      .update(bookingHolds)
      .set({ status: "cancelled", updatedAt: deps.now() })
      .where(and(eq(bookingHolds.agentId, agent.id), eq(bookingHolds.googleEventId, found.appointment.id)));
    return {
      ok: true,
      cancelled: found.appointment,
      message: `Your appointment on ${spokenMoment(new Date(found.appointment.start), agent.timezone, deps.now())} is cancelled.`,
    };
  });
}

export async function moveAppointment(
  deps: GoogleDeps,
  agent: Agent,
  input: { callerPhone: string | null | undefined; from?: string | null; newStart: string },
  options: GoogleCallOptions = {},
): Promise<Result<{ appointment: Appointment; previous: Appointment; message: string }>> {
  const disabled = notBookable(agent);
  if (disabled) return disabled;
  const newStart = parseStart(input.newStart, agent.timezone);
  if (!newStart) return fail("invalid_time", "I didn't catch the new time. What day and time would you like instead?", { reason: "invalid" });
  return guarded(deps, "move", async () => {
    const now = deps.now();
    const access = await googleAccess(deps, agent.businessId, deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal));
    const found = await callersAppointment(deps, access, agent, normalizePhone(input.callerPhone), input.from);
    if (!found.ok) return found;
    const previous = found.appointment;
    // The booking moves within its own calendar, keeping its length, under its staff member's hours.
    const calendarId = previous.calendarId;
    const rules = rulesForMove(agent, previous);
    const check = checkStart(rules, newStart, now);
    if (!check.ok) return correction(check, await nextOpening(access, calendarId, rules, newStart, now), rules.timeZone, now);
    const slot = check.slot;

    // Move the hold first: the exclusion constraint refuses a range another booking has.
    const place = holdPlace(agent, access, calendarId);
    const owner = normalizePhone(input.callerPhone);
    let moved = await moveHold(deps, place, previous, owner, slot);
    if (moved === "slot_taken" && (await reconcileHolds(deps, access, place, slot))) moved = await moveHold(deps, place, previous, owner, slot);
    if (moved === "slot_taken") return spokenSlotTaken(await nextOpening(access, calendarId, rules, slot.end, now), rules.timeZone, now);
    const buffer = rules.bufferMinutes * 60_000;
    const restore = () => moveHold(deps, place, { ...previous, start: slot.start.toISOString(), end: slot.end.toISOString() }, owner, { start: new Date(previous.start), end: new Date(previous.end) });
    try {
      if (await busyExcept(access, calendarId, new Date(slot.start.getTime() - buffer), new Date(slot.end.getTime() + buffer), previous.id)) {
        await restore();
        return spokenSlotTaken(await nextOpening(access, calendarId, rules, slot.end, now), rules.timeZone, now);
      }
      const event = await moveEvent(access, calendarId, previous.id, slot.start, slot.end, agent.timezone, true);
      const appointment = toAppointment(event, calendarId) ?? { ...previous, start: slot.start.toISOString(), end: slot.end.toISOString() };
      return { ok: true, appointment, previous, message: `Done. Your appointment is now ${spokenMoment(slot.start, rules.timeZone, now)}.` };
    } catch (error) {
      await restore().catch(() => undefined);
      throw error;
    }
  });
}

/** The rules a booking is moved under: its staff member's hours (or the business's), its own length. */
export function rulesForMove(agent: Agent, appointment: Pick<Appointment, "start" | "end" | "staffId">) {
  const minutes = Math.round((new Date(appointment.end).getTime() - new Date(appointment.start).getTime()) / 60_000);
  const member = (agent.bookingStaff ?? []).find((m) => m.id === appointment.staffId);
  const base = rulesOf(agent);
  return {
    ...base,
    hours: member?.businessHours ? normalizeBusinessHours(member.businessHours) : base.hours,
    appointmentMinutes: minutes,
    stepMinutes: Math.min(agent.appointmentMinutes, minutes),
  };
}

/**
 * Moves the booking's hold to `slot` on the calendar it is in now (so the no-overlap rule checks
 * it there, a pre-0007 overlap included); creates it when the booking has none (made before
 * holds, or elsewhere), owned by the caller who found it.
 */
async function moveHold(deps: GoogleDeps, place: HoldPlace, appointment: Appointment, callerPhone: string | null, slot: { start: Date; end: Date }): Promise<"ok" | "slot_taken"> {
  try {
    const updated = await retryOnDeadlock(() =>
      deps.db
        .update(bookingHolds)
        .set({ businessId: place.businessId, calendarId: place.calendarKey, legacyOverlap: false, startAt: slot.start, endAt: slot.end, expiresAt: slot.end, movedAt: deps.now(), updatedAt: deps.now() })
        .where(and(eq(bookingHolds.agentId, place.agentId), eq(bookingHolds.googleEventId, appointment.id), ne(bookingHolds.status, "cancelled")))
        .returning({ id: bookingHolds.id }),
    );
    if (!updated.length) {
      await deps.db.insert(bookingHolds).values({
        agentId: place.agentId,
        businessId: place.businessId,
        calendarId: place.calendarKey,
        startAt: slot.start,
        endAt: slot.end,
        expiresAt: slot.end,
        status: "confirmed",
        googleEventId: appointment.id,
        callerPhone,
      });
    }
    return "ok";
  } catch (error) {
    if (sqlState(error) === "23P01") return "slot_taken";
    throw error;
  }
}
