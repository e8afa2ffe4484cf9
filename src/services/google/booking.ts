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
import { calendarIdOf, DEFAULT_TIMEOUT_MS, nextOpening, notBookable, slotJson } from "./availability";
import { busyExcept, correction, eventIdOf, normalizePhone, PROPERTY, spokenSlotTaken } from "./booking-support";
import { type GoogleAccess, googleAccess } from "./connection";
import { fail, type GoogleCallOptions, type GoogleDeps, GoogleNotConnectedError, guarded, type Result, type Slot } from "./results";
import { checkStart, type Interval, overlapsBusy, rulesOf } from "./slots";
import { parseStart, spokenMoment } from "./time";

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
  event: Slot & { id: string };
  /** True when this key had already booked: nothing new was created. */
  replayed: boolean;
  /** "You're booked for Tuesday at 3:30 PM." */
  message: string;
}

type Hold = typeof bookingHolds.$inferSelect;

export async function bookAppointment(deps: GoogleDeps, agent: Agent, input: BookingInput, options: GoogleCallOptions = {}): Promise<Result<Booked>> {
  const disabled = notBookable(agent);
  if (disabled) return disabled;
  const rules = rulesOf(agent);
  const start = parseStart(input.start, rules.timeZone);
  if (!start) return fail("invalid_time", "I didn't catch the time. What day and time would you like?", { reason: "invalid" });
  const name = clean(input.name, 100);
  if (!name) return fail("invalid_time", "May I have your name for the booking?", { reason: "invalid" });
  const phone = normalizePhone(input.phone);
  const callerPhone = normalizePhone(input.callerPhone);
  const booked = (hold: Hold, replayed: boolean): Result<Booked> => ({
    ok: true,
    event: { id: hold.googleEventId as string, ...slotJson({ start: hold.startAt, end: hold.endAt }) },
    replayed,
    message: `You're booked for ${spokenMoment(hold.startAt, rules.timeZone, deps.now())}.`,
  });

  return guarded(deps, "booking", async () => {
    const existing = await holdByKey(deps, agent.id, input.idempotencyKey);
    if (existing && existing.status !== "held") return booked(existing, true);
    const now = deps.now();
    const check = checkStart(rules, start, now);
    const access = await googleAccess(deps, agent.businessId, deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal));
    const calendarId = calendarIdOf(agent, access);
    if (!check.ok) {
      const after = check.problem === "off_grid" || check.problem === "closed" || check.problem === "outside_hours" ? start : now;
      return correction(check, await nextOpening(access, calendarId, rules, after, now), rules.timeZone, now);
    }

    let hold = existing;
    let created = false;
    if (!hold) {
      const place = holdPlace(agent, access, calendarId);
      let taken = await takeHold(deps, place, check.slot, { ...input, callerPhone }, now);
      // Holds whose events the owner deleted or moved in Google Calendar give the time back.
      if (taken === "slot_taken" && (await reconcileHolds(deps, access, place, check.slot))) {
        taken = await takeHold(deps, place, check.slot, { ...input, callerPhone }, now);
      }
      if (taken === "slot_taken") return spokenSlotTaken(await nextOpening(access, calendarId, rules, check.slot.end, now), rules.timeZone, now);
      ({ hold, created } = taken);
    }
    if (!created) {
      // Another attempt with this key holds the slot: wait for it to finish, or take over a dead one.
      const settled = hold.expiresAt > now ? await awaitSettled(deps, hold.id) : hold;
      if (!settled) return spokenSlotTaken(await nextOpening(access, calendarId, rules, check.slot.end, now), rules.timeZone, now);
      if (settled.status !== "held") return booked(settled, true);
      hold = settled;
    }
    const buffer = rules.bufferMinutes * 60_000;
    const [from, to] = [new Date(hold.startAt.getTime() - buffer), new Date(hold.endAt.getTime() + buffer)];
    // A taken-over hold may already have its event: only other events count as busy then.
    const busy = created ? overlapsBusy(rules, check.slot, await freeBusy(access, calendarId, from, to)) : await busyExcept(access, calendarId, from, to, eventIdOf(hold.id));
    if (busy) {
      await releaseHold(deps, hold.id);
      return spokenSlotTaken(await nextOpening(access, calendarId, rules, check.slot.end, now), rules.timeZone, now);
    }

    const event = await insertOnce(deps, access, calendarId, agent, hold, { ...input, name, phone, callerPhone });
    const held = hold;
    const [confirmed] = await retryOnDeadlock(() =>
      deps.db
        .update(bookingHolds)
        .set({ status: "confirmed", googleEventId: event.id, expiresAt: held.endAt, updatedAt: deps.now() })
        .where(eq(bookingHolds.id, held.id))
        .returning(),
    );
    return booked(confirmed ?? { ...hold, googleEventId: event.id }, !created);
  });
}

async function holdByKey(deps: GoogleDeps, agentId: string, key: string) {
  const [row] = await deps.db
    .select()
    .from(bookingHolds)
    .where(and(eq(bookingHolds.agentId, agentId), eq(bookingHolds.idempotencyKey, key)))
    .limit(1);
  return row;
}

/**
 * Where a hold lives: the agent that books, and the calendar (of its owner) whose time it takes:
 * `calendarId` as Google is asked for it, `calendarKey` as the no-overlap rule compares it.
 */
export interface HoldPlace {
  agentId: string;
  businessId: string;
  calendarId: string;
  calendarKey: string;
}

/**
 * The calendar as the no-overlap rule compares it (ADR 0310): `primary` is the connected
 * account's own calendar, whose Google id is the account's address, and an address is compared
 * without case. So two agents of one owner, one on `primary` and one on the owner's address,
 * share one rule instead of double-booking one calendar under two names.
 */
export function holdPlace(agent: Pick<Agent, "id" | "businessId">, access: GoogleAccess, calendarId: string): HoldPlace {
  const id = calendarId === "primary" ? (access.connection.googleEmail ?? calendarId) : calendarId;
  return { agentId: agent.id, businessId: agent.businessId, calendarId, calendarKey: id.includes("@") ? id.toLowerCase() : id };
}

/** Holds the slot; a concurrent overlapping booking gets "slot_taken", a concurrent same key its row. */
async function takeHold(deps: GoogleDeps, place: HoldPlace, slot: Interval, input: BookingInput, now: Date): Promise<{ hold: Hold; created: boolean } | "slot_taken"> {
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
        .set({ startAt: start, endAt: end, expiresAt: end, updatedAt: deps.now() })
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
      summary: `Appointment: ${input.name}`,
      description: lines.join("\n"),
      start: hold.startAt,
      end: hold.endAt,
      timeZone: agent.timezone,
      attendeeEmail: input.email ? clean(input.email, 254) : undefined,
      privateProperties: {
        [PROPERTY.agent]: agent.id,
        [PROPERTY.booking]: hold.id,
        [PROPERTY.name]: input.name,
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
