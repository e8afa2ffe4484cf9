/**
 * Booking one appointment, safely:
 *  1. the start must be a real slot by the agent's rules, else a spoken correction;
 *  2. the caller's key (Vapi call id + tool-call id) makes a retry answer the same event;
 *  3. the range is held in booking_holds first, whose exclusion constraint makes two
 *     overlapping live bookings on one calendar impossible, whichever of the owner's agents
 *     made them (a concurrent second gets slot_taken);
 *  4. Google free/busy is re-checked for the held range;
 *  5. the event is inserted with our own id (the hold's), so an insert retried after a timeout
 *     cannot create a second event, then the hold is confirmed.
 * The booking belongs to `callerPhone`, the number that called; a spoken `phone` is contact data.
 * (docs/decisions/0301-safe-booking.md, 0310-booking-safety.md)
 */
import { and, eq, lt, sql } from "drizzle-orm";
import { bookingHolds } from "../../db/schema";
import { type CalendarEvent, freeBusy, getEvent, insertEvent } from "../../integrations/google/calendar";
import { GoogleApiError } from "../../integrations/google/errors";
import { deadline } from "../../integrations/google/oauth";
import { sqlState } from "../../lib/sql-state";
import type { Agent } from "../agents/view";
import { DEFAULT_TIMEOUT_MS, NEXT_OPENING_SEARCH_DAYS, notBookable, offeredBetween, staffCalendar } from "./availability";
import { busyExcept, correction, eventIdOf, type HoldPlace, holdPlace, normalizePhone, PROPERTY, spokenSlotTaken } from "./booking-support";
import { type GoogleAccess, googleAccess } from "./connection";
import { fail, type GoogleCallOptions, type GoogleDeps, GoogleNotConnectedError, guarded, type Result, type Slot } from "./results";
import { type ServiceChoice, type StaffChoice, serviceFor, staffFor } from "./schedule";
import { bookingWindow, checkStart, type Interval, overlapsBusy, type StartCheck, slotJson } from "./slots";
import { comparePlainDates, parseStart, spokenMoment, toZoned } from "./time";

/** A hold whose booking has not finished by then may be taken over by another booking. */
export const HOLD_TTL_MS = 2 * 60_000;

export interface BookingInput {
  /** ISO 8601 with an offset; without one it is wall-clock time in the agent's timezone. */
  start: string;
  name: string;
  /**
   * The number the booking belongs to: the only one that may cancel or move it later. For a call,
   * the number that called (never one the caller spoke); null when withheld (then nobody can).
   */
  callerPhone?: string | null;
  /** A number to reach the caller on, as they gave it: contact data in the event, grants nothing. */
  phone?: string | null;
  email?: string | null;
  notes?: string | null;
  /**
   * Unique per booking: `<Vapi call id>:<tool-call id>` from a call (tool-call ids repeat across
   * calls), `dashboard:<Idempotency-Key>` from the route. The same key books once.
   */
  idempotencyKey: string;
  callId?: string | null;
}

export interface Booked {
  event: Slot & { id: string; service: string | null; staff: { id: string; name: string } | null };
  /** True when this key had already booked: nothing new was created. */
  replayed: boolean;
  /** "You're booked for Tuesday at 3:30 PM." */
  message: string;
}

type Hold = typeof bookingHolds.$inferSelect;

/** What the caller wants booked and with whom: a service by name (forgiving) and a staff member, or anyone who offers it. */
export interface BookingChoice {
  service?: string | null;
  staff?: string | null;
}

export async function bookAppointment(deps: GoogleDeps, agent: Agent, input: BookingInput & BookingChoice, options: GoogleCallOptions = {}): Promise<Result<Booked>> {
  const disabled = notBookable(agent);
  if (disabled) return disabled;
  const timeZone = agent.timezone;
  const start = parseStart(input.start, timeZone);
  if (!start) return fail("invalid_time", "I didn't catch the time. What day and time would you like?", { reason: "invalid" });
  const name = clean(input.name, 100);
  if (!name) return fail("invalid_time", "May I have your name for the booking?", { reason: "invalid" });
  const service = serviceFor(agent, input.service);
  if (!service.ok) return fail("unknown_service", service.message);
  const staff = staffFor(agent, service.value, input.staff);
  if (!staff.ok) return fail("unknown_staff", staff.message);
  const phone = normalizePhone(input.phone);
  const callerPhone = normalizePhone(input.callerPhone);
  const booked = (hold: Hold, replayed: boolean): Result<Booked> => {
    const what = [hold.serviceId && hold.serviceName ? hold.serviceName : null, hold.staffName ? `with ${hold.staffName}` : null].filter(Boolean).join(" ");
    return {
      ok: true,
      event: {
        id: hold.googleEventId as string,
        ...slotJson({ start: hold.startAt, end: hold.endAt }),
        service: hold.serviceName,
        staff: hold.staffId && hold.staffName ? { id: hold.staffId, name: hold.staffName } : null,
      },
      replayed,
      message: `You're booked for ${spokenMoment(hold.startAt, timeZone, deps.now())}${what ? `: ${what}` : ""}.`,
    };
  };

  return guarded(deps, "booking", async (): Promise<Result<Booked>> => {
    const existing = await holdByKey(deps, agent.id, input.idempotencyKey);
    if (existing && existing.status !== "held") return booked(existing, true);
    const now = deps.now();
    const access = await googleAccess(deps, agent.businessId, deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal));
    // An unfinished attempt with this key resumes on the calendar it holds; anyone else in order ("anyone" books the first free).
    const candidates = existing ? staff.value.filter((member) => holdPlace(agent, access, staffCalendar(agent, access, member)).calendarKey === existing.calendarId) : staff.value;
    const details = { ...input, name, phone, callerPhone };
    let refused: Extract<StartCheck, { ok: false }> | undefined;
    let taken = false;
    for (const member of candidates.length ? candidates : staff.value) {
      const check = checkStart(member.rules, start, now);
      if (!check.ok) {
        refused ??= check;
        continue;
      }
      const outcome = await bookOn(deps, access, agent, { member, service: service.value, slot: check.slot, existing }, details, now);
      if (outcome === "slot_taken") {
        taken = true;
        continue;
      }
      return booked(outcome.hold, outcome.replayed);
    }
    if (taken || !refused) return spokenSlotTaken(await nextOpeningAmong(access, agent, staff.value, new Date(start.getTime() + 60_000), now), timeZone, now);
    const after = refused.problem === "off_grid" || refused.problem === "closed" || refused.problem === "outside_hours" ? start : now;
    return correction(refused, await nextOpeningAmong(access, agent, staff.value, after, now), timeZone, now);
  });
}

/**
 * Books `slot` on one staff member's calendar: hold it (the exclusion constraint refuses a range
 * another booking on that calendar has), re-check Google's free/busy for it, insert the event
 * under the hold's id, confirm the hold. "slot_taken" when any step finds the time gone (the
 * hold given back), so "anyone" can try the next staff member.
 */
async function bookOn(
  deps: GoogleDeps,
  access: GoogleAccess,
  agent: Agent,
  target: { member: StaffChoice; service: ServiceChoice; slot: Interval; existing: Hold | undefined },
  input: BookingInput,
  now: Date,
): Promise<{ hold: Hold; replayed: boolean } | "slot_taken"> {
  const { member, service, slot } = target;
  const rules = member.rules;
  const calendarId = staffCalendar(agent, access, member);
  let hold = target.existing;
  let created = false;
  if (!hold) {
    const place = holdPlace(agent, access, calendarId);
    const what = { serviceId: service.id, serviceName: service.id ? service.name : null, staffId: member.id, staffName: member.name };
    let taken = await takeHold(deps, place, slot, input, what, now);
    // Holds whose events the owner deleted or moved in Google Calendar give the time back.
    if (taken === "slot_taken" && (await reconcileHolds(deps, access, place, slot))) taken = await takeHold(deps, place, slot, input, what, now);
    if (taken === "slot_taken") return "slot_taken";
    ({ hold, created } = taken);
  }
  if (!created) {
    // Another attempt with this key holds the slot: wait for it to finish, or take over a dead one.
    const settled = hold.expiresAt > now ? await awaitSettled(deps, hold.id) : hold;
    if (!settled) return "slot_taken";
    if (settled.status !== "held") return { hold: settled, replayed: true };
    hold = settled;
  }
  const buffer = rules.bufferMinutes * 60_000;
  const [from, to] = [new Date(hold.startAt.getTime() - buffer), new Date(hold.endAt.getTime() + buffer)];
  // A taken-over hold may already have its event: only other events count as busy then.
  const busy = created ? overlapsBusy(rules, slot, await freeBusy(access, calendarId, from, to)) : await busyExcept(access, calendarId, from, to, eventIdOf(hold.id));
  if (busy) {
    await releaseHold(deps, hold.id);
    return "slot_taken";
  }
  const event = await insertOnce(deps, access, calendarId, agent, hold, input);
  const held = hold;
  const [confirmed] = await retryOnDeadlock(() =>
    deps.db
      .update(bookingHolds)
      .set({ status: "confirmed", googleEventId: event.id, expiresAt: held.endAt, updatedAt: deps.now() })
      .where(eq(bookingHolds.id, held.id))
      .returning(),
  );
  return { hold: confirmed ?? { ...hold, googleEventId: event.id }, replayed: !created };
}

/** The first free slot for any of `staff` starting at or after `after`, within the horizon and the next two weeks (one free/busy request). */
export async function nextOpeningAmong(access: GoogleAccess, agent: Agent, staff: StaffChoice[], after: Date, now: Date): Promise<Interval | undefined> {
  const rules = staff[0]?.rules;
  if (!rules) return undefined;
  const { earliest, lastDate } = bookingWindow(rules, now);
  const from = after > earliest ? after : earliest;
  const first = toZoned(from, rules.timeZone).toPlainDate();
  const cap = first.add({ days: NEXT_OPENING_SEARCH_DAYS - 1 });
  const last = comparePlainDates(cap, lastDate) < 0 ? cap : lastDate;
  if (comparePlainDates(first, last) > 0) return undefined;
  const slots = await offeredBetween(access, agent, staff, [], first, last, now);
  return slots.find((slot) => slot.start >= from);
}

async function holdByKey(deps: GoogleDeps, agentId: string, key: string) {
  const [row] = await deps.db
    .select()
    .from(bookingHolds)
    .where(and(eq(bookingHolds.agentId, agentId), eq(bookingHolds.idempotencyKey, key)))
    .limit(1);
  return row;
}

/** Holds the slot; a concurrent overlapping booking gets "slot_taken", a concurrent same key its row. */
async function takeHold(
  deps: GoogleDeps,
  place: HoldPlace,
  slot: Interval,
  input: BookingInput,
  what: { serviceId: string | null; serviceName: string | null; staffId: string | null; staffName: string | null },
  now: Date,
): Promise<{ hold: Hold; created: boolean } | "slot_taken"> {
  const { agentId } = place;
  // Holds of bookings that died half-way give their range back, whichever agent made them.
  await deps.db
    .delete(bookingHolds)
    .where(
      and(
        onCalendar(place),
        eq(bookingHolds.status, "held"),
        lt(bookingHolds.expiresAt, now),
        sql`tstzrange(${bookingHolds.startAt}, ${bookingHolds.endAt}, '[)') && tstzrange(${slot.start.toISOString()}::timestamptz, ${slot.end.toISOString()}::timestamptz, '[)')`,
      ),
    );
  try {
    const [row] = await retryOnDeadlock(() => deps.db
      .insert(bookingHolds)
      .values({
        agentId,
        businessId: place.businessId,
        calendarId: place.calendarKey,
        startAt: slot.start,
        endAt: slot.end,
        expiresAt: new Date(now.getTime() + HOLD_TTL_MS),
        status: "held",
        idempotencyKey: input.idempotencyKey,
        callerPhone: input.callerPhone ?? null,
        callId: input.callId ?? null,
        ...what,
        callerName: input.name,
        callerEmail: input.email ? clean(input.email, 254) : null,
      })
      .returning());
    if (!row) throw new Error("hold insert returned nothing");
    return { hold: row, created: true };
  } catch (error) {
    const state = sqlState(error);
    if (state === "23P01") return "slot_taken";
    if (state === "23505") {
      const same = await holdByKey(deps, agentId, input.idempotencyKey);
      if (same) return { hold: same, created: false };
    }
    throw error;
  }
}

/** The holds on one calendar of one owner: the scope of the no-overlap rule. */
export const onCalendar = (place: Pick<HoldPlace, "businessId" | "calendarKey">) => and(eq(bookingHolds.businessId, place.businessId), eq(bookingHolds.calendarId, place.calendarKey));

/**
 * Brings the confirmed holds on the calendar overlapping `slot` (any agent's: they share the
 * calendar) in line with Google: an event the owner deleted cancels its hold, one they moved
 * moves it. True when any hold changed.
 */
export async function reconcileHolds(deps: GoogleDeps, access: GoogleAccess, place: HoldPlace, slot: Interval): Promise<boolean> {
  const { calendarId } = place;
  const overlapping = await deps.db
    .select()
    .from(bookingHolds)
    .where(
      and(
        onCalendar(place),
        eq(bookingHolds.status, "confirmed"),
        sql`tstzrange(${bookingHolds.startAt}, ${bookingHolds.endAt}, '[)') && tstzrange(${slot.start.toISOString()}::timestamptz, ${slot.end.toISOString()}::timestamptz, '[)')`,
      ),
    );
  let changed = false;
  for (const hold of overlapping) {
    if (!hold.googleEventId) continue;
    const event = await getEvent(access, calendarId, hold.googleEventId).catch((error: unknown) => {
      if (error instanceof GoogleApiError && error.kind === "not_found") return null;
      throw error;
    });
    const start = event?.start.dateTime ? new Date(event.start.dateTime) : null;
    const end = event?.end.dateTime ? new Date(event.end.dateTime) : null;
    if (!event || event.status === "cancelled" || !start || !end) {
      await deps.db.update(bookingHolds).set({ status: "cancelled", updatedAt: deps.now() }).where(eq(bookingHolds.id, hold.id));
      changed = true;
    } else if (start.getTime() !== hold.startAt.getTime() || end.getTime() !== hold.endAt.getTime()) {
      const moved = await deps.db
        .update(bookingHolds)
        .set({ startAt: start, endAt: end, expiresAt: end, movedAt: deps.now(), updatedAt: deps.now() })
        .where(eq(bookingHolds.id, hold.id))
        .then(() => true, (error: unknown) => (sqlState(error) === "23P01" ? false : Promise.reject(error)));
      changed ||= moved;
    }
  }
  return changed;
}

/**
 * Runs one statement again when PostgreSQL broke a deadlock by aborting it: racing writes to
 * the exclusion constraint's index (an insert and a confirming update of overlapping ranges) can
 * each wait for the other. Each attempt is its own transaction over Neon HTTP.
 */
export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      if (attempt >= attempts || (sqlState(error) !== "40P01" && sqlState(error) !== "40001")) throw error;
    }
  }
}

/** Waits for another attempt's hold to be confirmed or released; the row (or undefined when released). */
async function awaitSettled(deps: GoogleDeps, holdId: string): Promise<Hold | undefined> {
  let row: Hold | undefined;
  for (let attempt = 0; attempt < 12; attempt += 1) {
    [row] = await deps.db.select().from(bookingHolds).where(eq(bookingHolds.id, holdId)).limit(1);
    if (row?.status !== "held") return row;
    await new Promise((resolve) => setTimeout(resolve, Math.min(500, 50 * 2 ** attempt)));
  }
  return row;
}

async function releaseHold(deps: GoogleDeps, holdId: string) {
  await deps.db.delete(bookingHolds).where(and(eq(bookingHolds.id, holdId), eq(bookingHolds.status, "held")));
}

/**
 * Inserts the event under the hold's id. "Already exists" means an earlier attempt got through:
 * that event is the answer. A definite refusal gives the hold back; a timeout keeps it, so a
 * retry with the same key resumes here.
 */
async function insertOnce(deps: GoogleDeps, access: GoogleAccess, calendarId: string, agent: Agent, hold: Hold, input: BookingInput): Promise<CalendarEvent> {
  const id = eventIdOf(hold.id);
  const contact = input.phone ?? input.callerPhone;
  const lines = [
    `Name: ${input.name}`,
    hold.serviceName ? `Service: ${hold.serviceName}` : null,
    hold.staffName ? `With: ${hold.staffName}` : null,
    contact ? `Phone: ${contact}` : null,
    input.callerPhone && input.callerPhone !== contact ? `Called from: ${input.callerPhone}` : null,
    input.email ? `Email: ${clean(input.email, 254)}` : null,
    input.notes ? `Notes: ${clean(input.notes, 1000)}` : null,
    input.callId ? `Call: ${clean(input.callId, 100)}` : null,
    `Booked by ${agent.name} (Agentline)`,
  ].filter(Boolean);
  try {
    return await insertEvent(access, calendarId, {
      id,
      summary: `${hold.serviceName ?? "Appointment"}: ${input.name}${hold.staffName ? ` (${hold.staffName})` : ""}`,
      description: lines.join("\n"),
      start: hold.startAt,
      end: hold.endAt,
      timeZone: agent.timezone,
      attendeeEmail: input.email ? clean(input.email, 254) : undefined,
      privateProperties: {
        [PROPERTY.agent]: agent.id,
        [PROPERTY.booking]: hold.id,
        [PROPERTY.name]: input.name,
        ...(hold.staffId ? { [PROPERTY.staff]: hold.staffId } : {}),
        ...(hold.serviceId ? { [PROPERTY.service]: hold.serviceId } : {}),
        // Ownership: cancel and move search by this, so it is only ever the number that called.
        ...(input.callerPhone ? { [PROPERTY.phone]: input.callerPhone } : {}),
        ...(input.phone ? { [PROPERTY.contactPhone]: input.phone } : {}),
        ...(input.callId ? { [PROPERTY.call]: clean(input.callId, 100) } : {}),
      },
    });
  } catch (error) {
    if (error instanceof GoogleApiError && error.kind === "conflict") return getEvent(access, calendarId, id);
    // A 401 whose token renewal found the grant revoked is as definite a refusal as a 401 itself.
    const refused = error instanceof GoogleNotConnectedError || (error instanceof GoogleApiError && !["timeout", "unavailable", "rate_limited"].includes(error.kind));
    if (refused) await releaseHold(deps, hold.id);
    throw error;
  }
}

/** Caller-given text: no control characters, trimmed, bounded. */
function clean(value: string | null | undefined, max: number): string {
  return (value ?? "").replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/ {2,}/g, " ").trim().slice(0, max);
}
