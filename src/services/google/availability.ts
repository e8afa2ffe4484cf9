/**
 * Free appointment slots for an agent: for each staff member who may do the service, their hours
 * (or the business's) on the grid of the service's length, minus breaks and closures, minus
 * Google free/busy for their calendar and our in-flight holds on it, minus what is too soon or
 * too far ahead (slots.ts, schedule.ts); their union, in the agent's timezone.
 */
import { and, eq, gt, lt } from "drizzle-orm";
import { bookingHolds } from "../../db/schema";
import { freeBusy, freeBusyOf } from "../../integrations/google/calendar";
import { deadline } from "../../integrations/google/oauth";
import type { Agent } from "../agents/view";
import { holdPlace } from "./booking-support";
import { connectionQuery, type GoogleAccess, googleAccess } from "./connection";
import { fail, type GoogleCallOptions, type GoogleDeps, guarded, type Result, type Slot } from "./results";
import { type OfferedSlot, type StaffChoice, serviceFor, staffFor, unionSlots } from "./schedule";
import { type BookingRules, bookingWindow, closedMessage, closureOn, freeSlots, type Interval, rulesOf, slotJson } from "./slots";
import { clockTime, comparePlainDates, parseDate, speakableDay, type Temporal, toDate, toZoned, wallClock } from "./time";

export const DEFAULT_TIMEOUT_MS = 8_000;
/** How far ahead a correction looks for the next opening. */
export const NEXT_OPENING_SEARCH_DAYS = 14;

export { slotJson } from "./slots";

export function calendarIdOf(agent: Agent, access: GoogleAccess): string {
  return agent.calendarId ?? access.connection.calendarId ?? "primary";
}

export function notBookable(agent: Agent) {
  return agent.bookingEnabled ? null : fail("booking_disabled", "I'm sorry, I can't book appointments on this line. I can take a message instead.");
}

export interface Availability {
  date: string;
  timeZone: string;
  /** Each free start, with the staff free then (ids and names; none when the agent has no staff). */
  slots: (Slot & { staff?: { id: string; name: string }[] })[];
  /** The service whose length the slots have. */
  service: { id: string | null; name: string; minutes: number; priceCents?: number | undefined };
  /** Set when the day is a closure: its reason (if the owner gave one) and the next day with openings. */
  closed?: { reason: string | null; nextDate: string | null; nextSlots: Slot[] };
  /** "Tuesday at 9:00 AM, 9:30 AM and 2:00 PM" or "no openings on Tuesday": for the voice agent. */
  summary: string;
}

/** How far past a closure availability looks for the next day with openings. */
const AFTER_CLOSURE_SEARCH_DAYS = 14;

/**
 * The free slots on `date` (YYYY-MM-DD in the agent's timezone) for a service (by name or id,
 * forgiving; the agent's one appointment kind when it has no services), with a staff member (by
 * name or id) or anyone who offers it: each one's hours minus breaks and closures, minus the busy
 * time of their own calendar and the holds of bookings in flight on it (docs/decisions/0320).
 */
export async function getAvailability(
  deps: GoogleDeps,
  agent: Agent,
  input: { date: string; service?: string | null; staff?: string | null },
  options: GoogleCallOptions = {},
): Promise<Result<Availability>> {
  const disabled = notBookable(agent);
  if (disabled) return disabled;
  const date = parseDate(input.date);
  if (!date) return fail("invalid_time", "I didn't catch the date. Which day would you like?", { reason: "invalid" });
  const service = serviceFor(agent, input.service);
  if (!service.ok) return fail("unknown_service", service.message);
  const staff = staffFor(agent, service.value, input.staff);
  if (!staff.ok) return fail("unknown_staff", staff.message);
  return guarded(deps, "availability", async (): Promise<Result<Availability>> => {
    const now = deps.now();
    const timeZone = agent.timezone;
    const closure = closureOn(rulesOf(agent), date);
    const last = closure ? date.add({ days: AFTER_CLOSURE_SEARCH_DAYS }) : date;
    const { access, holds } = await accessWithHolds(deps, agent, date, last, now, options);
    const offered = await offeredBetween(access, agent, staff.value, holds, date, last, now);
    const serviceJson = { id: service.value.id, name: service.value.name, minutes: service.value.minutes, ...(service.value.priceCents !== undefined ? { priceCents: service.value.priceCents } : {}) };
    const spokenTimes = (slots: OfferedSlot[]) => {
      const times = slots.map((slot) => clockTime(toZoned(slot.start, timeZone)));
      return times.length > 1 ? `${times.slice(0, -1).join(", ")} and ${times.at(-1)}` : (times[0] ?? "");
    };
    const slotOut = (slot: OfferedSlot) => {
      const free = slot.staff.flatMap((m) => (m.id && m.name ? [{ id: m.id, name: m.name }] : []));
      return { ...slotJson(slot), ...(free.length ? { staff: free } : {}) };
    };
    if (closure) {
      const next = offered.find((slot) => comparePlainDates(toZoned(slot.start, timeZone).toPlainDate(), date) > 0);
      const nextDate = next ? toZoned(next.start, timeZone).toPlainDate() : null;
      const nextSlots = nextDate ? offered.filter((slot) => toZoned(slot.start, timeZone).toPlainDate().equals(nextDate)) : [];
      const closed = closedMessage(closure, date);
      const summary = nextDate ? `${closed}; ${speakableDay(nextDate, timeZone, now)} has ${spokenTimes(nextSlots)}` : `${closed}, and I don't see openings in the two weeks after`;
      return {
        ok: true,
        date: date.toString(),
        timeZone,
        slots: [],
        service: serviceJson,
        closed: { reason: closure.reason ?? null, nextDate: nextDate?.toString() ?? null, nextSlots: nextSlots.map(slotJson) },
        summary,
      };
    }
    const spokenDay = speakableDay(date, timeZone, now);
    const summary = offered.length ? `${spokenDay} at ${spokenTimes(offered)}` : `no openings on ${spokenDay}`;
    return { ok: true, date: date.toString(), timeZone, slots: offered.map(slotOut), service: serviceJson, summary };
  });
}

interface InFlightHold {
  calendarId: string;
  startAt: Date;
  endAt: Date;
}

/**
 * The Google access and the holds of bookings in flight (held, not yet confirmed: their events
 * may not be in Google yet) on the owner's calendars over the dates, read in ONE batch (the bench
 * allows a tool call two round trips: its context, and this).
 */
async function accessWithHolds(deps: GoogleDeps, agent: Agent, first: Temporal.PlainDate, last: Temporal.PlainDate, now: Date, options: GoogleCallOptions) {
  const from = toDate(wallClock(first, "00:00", agent.timezone));
  const to = toDate(wallClock(last, "24:00", agent.timezone));
  const [connection, holds] = await deps.db.batch([
    connectionQuery(deps, agent.businessId),
    deps.db
      .select({ calendarId: bookingHolds.calendarId, startAt: bookingHolds.startAt, endAt: bookingHolds.endAt })
      .from(bookingHolds)
      .where(
        and(
          eq(bookingHolds.businessId, agent.businessId),
          eq(bookingHolds.status, "held"),
          gt(bookingHolds.expiresAt, now),
          lt(bookingHolds.startAt, to),
          gt(bookingHolds.endAt, from),
        ),
      ),
  ]);
  const access = await googleAccess(deps, agent.businessId, deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal), connection[0] ?? null);
  return { access, holds: holds as InFlightHold[] };
}

/** The calendar a staff member books into: theirs, else the agent's. */
export const staffCalendar = (agent: Agent, access: GoogleAccess, staff: Pick<StaffChoice, "calendarId">) => staff.calendarId ?? calendarIdOf(agent, access);

/** The union of the staff's free slots on every date from `first` to `last`, with one free/busy request for all their calendars. */
export async function offeredBetween(
  access: GoogleAccess,
  agent: Agent,
  staff: StaffChoice[],
  holds: InFlightHold[],
  first: Temporal.PlainDate,
  last: Temporal.PlainDate,
  now: Date,
): Promise<OfferedSlot[]> {
  const timeZone = agent.timezone;
  const buffer = Math.max(...staff.map((member) => member.rules.bufferMinutes)) * 60_000;
  const from = toDate(wallClock(first, "00:00", timeZone));
  const to = toDate(wallClock(last, "24:00", timeZone));
  const calendars = staff.map((member) => staffCalendar(agent, access, member));
  const busy = await freeBusyOf(access, calendars, new Date(from.getTime() - buffer), new Date(to.getTime() + buffer));
  const per = staff.map((member, index) => {
    const calendarId = calendars[index] as string;
    const key = holdPlace(agent, access, calendarId).calendarKey;
    const held = holds.filter((hold) => hold.calendarId === key).map((hold) => ({ start: hold.startAt, end: hold.endAt }));
    return { staff: member, busy: [...(busy.get(calendarId) ?? []), ...held] };
  });
  const slots: OfferedSlot[] = [];
  for (let date = first; comparePlainDates(date, last) <= 0; date = date.add({ days: 1 })) slots.push(...unionSlots(per, date, now));
  return slots;
}

/** Free slots on every date from `first` to `last`, with one free/busy request. */
export async function slotsBetween(access: GoogleAccess, calendarId: string, rules: BookingRules, first: Temporal.PlainDate, last: Temporal.PlainDate, now: Date) {
  const from = toDate(wallClock(first, "00:00", rules.timeZone));
  const to = toDate(wallClock(last, "24:00", rules.timeZone));
  const buffer = rules.bufferMinutes * 60_000;
  const busy = await freeBusy(access, calendarId, new Date(from.getTime() - buffer), new Date(to.getTime() + buffer));
  const slots: Interval[] = [];
  for (let date = first; comparePlainDates(date, last) <= 0; date = date.add({ days: 1 })) slots.push(...freeSlots(rules, date, busy, now));
  return slots;
}

/** The first free slot starting at or after `after`, within the horizon and the next two weeks. */
export async function nextOpening(access: GoogleAccess, calendarId: string, rules: BookingRules, after: Date, now: Date): Promise<Interval | undefined> {
  const { earliest, lastDate } = bookingWindow(rules, now);
  const from = after > earliest ? after : earliest;
  const first = toZoned(from, rules.timeZone).toPlainDate();
  const cap = first.add({ days: NEXT_OPENING_SEARCH_DAYS - 1 });
  const last = comparePlainDates(cap, lastDate) < 0 ? cap : lastDate;
  if (comparePlainDates(first, last) > 0) return undefined;
  const slots = await slotsBetween(access, calendarId, rules, first, last, now);
  return slots.find((slot) => slot.start >= from);
}
