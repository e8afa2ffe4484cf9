/**
 * Free appointment slots for an agent: its business hours on the grid, minus Google free/busy
 * for its calendar, minus what is too soon or too far ahead (slots.ts), in its timezone.
 */
import { freeBusy } from "../../integrations/google/calendar";
import { deadline } from "../../integrations/google/oauth";
import type { Agent } from "../agents/view";
import { type GoogleAccess, googleAccess } from "./connection";
import { fail, type GoogleCallOptions, type GoogleDeps, guarded, type Result, type Slot } from "./results";
import { type BookingRules, bookingWindow, freeSlots, type Interval, rulesOf } from "./slots";
import { clockTime, comparePlainDates, parseDate, speakableDay, type Temporal, toDate, toZoned, wallClock } from "./time";

export const DEFAULT_TIMEOUT_MS = 8_000;
/** How far ahead a correction looks for the next opening. */
const NEXT_OPENING_SEARCH_DAYS = 14;

export const slotJson = (slot: Interval): Slot => ({ start: slot.start.toISOString(), end: slot.end.toISOString() });

export function calendarIdOf(agent: Agent, access: GoogleAccess): string {
  return agent.calendarId ?? access.connection.calendarId ?? "primary";
}

export function notBookable(agent: Agent) {
  return agent.bookingEnabled ? null : fail("booking_disabled", "I'm sorry, I can't book appointments on this line. I can take a message instead.");
}

export interface Availability {
  date: string;
  timeZone: string;
  slots: Slot[];
  /** "Tuesday at 9:00 AM, 9:30 AM and 2:00 PM" or "no openings on Tuesday": for the voice agent. */
  summary: string;
}

/** The agent's free slots on `date` (YYYY-MM-DD in the agent's timezone). */
export async function getAvailability(deps: GoogleDeps, agent: Agent, input: { date: string }, options: GoogleCallOptions = {}): Promise<Result<Availability>> {
  const disabled = notBookable(agent);
  if (disabled) return disabled;
  const date = parseDate(input.date);
  if (!date) return fail("invalid_time", "I didn't catch the date. Which day would you like?", { reason: "invalid" });
  return guarded(deps, "availability", async () => {
    const access = await googleAccess(deps, agent.businessId, deadline(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.signal));
    const rules = rulesOf(agent);
    const now = deps.now();
    const slots = await slotsBetween(access, calendarIdOf(agent, access), rules, date, date, now);
    const spokenDay = speakableDay(date, rules.timeZone, now);
    const times = slots.map((slot) => clockTime(toZoned(slot.start, rules.timeZone)));
    const summary = times.length
      ? `${spokenDay} at ${times.length > 1 ? `${times.slice(0, -1).join(", ")} and ${times.at(-1)}` : times[0]}`
      : `no openings on ${spokenDay}`;
    return { ok: true, date: date.toString(), timeZone: rules.timeZone, slots: slots.map(slotJson), summary };
  });
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
