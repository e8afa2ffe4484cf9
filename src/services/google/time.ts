/**
 * Calendar arithmetic in the agent's timezone, with the Temporal API (temporal-polyfill): no
 * offset is ever computed by hand, so DST days and far-away timezones come out right. Times a
 * caller hears are spoken the way a receptionist says them: "Tuesday at 3:30 PM".
 */
import type { Temporal } from "temporal-polyfill";
import { DAY_NAMES, DAYS, type Day } from "../assistant/business-hours";

export type { Temporal };

/**
 * temporal-polyfill is loaded on first use, not at startup: its module scope reads
 * `globalThis.process`, which makes workerd build its whole `process` polyfill (~15 ms,
 * docs/decisions/0900-startup-budget.md). Every entry point into the booking and call-log code
 * awaits `loadTemporal()` once (services/google/index.ts, queues/sheets.ts); a helper called
 * before that throws, so a forgotten entry point fails loudly in its first test.
 */
let loaded: typeof Temporal | undefined;

export async function loadTemporal(): Promise<void> {
  loaded ??= (await import("temporal-polyfill")).Temporal;
}

function temporal(): typeof Temporal {
  if (!loaded) throw new Error("temporal-polyfill is not loaded: await loadTemporal() first (services/google/time.ts)");
  return loaded;
}

export const comparePlainDates = (one: Temporal.PlainDate, other: Temporal.PlainDate) => temporal().PlainDate.compare(one, other);
export const plainTime = (time: string) => temporal().PlainTime.from(time);

export const toZoned = (instant: Date, timeZone: string) => temporal().Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone);
export const toDate = (zoned: Temporal.ZonedDateTime) => new Date(zoned.epochMilliseconds);

/** Today's date where the agent is. */
export const localDate = (instant: Date, timeZone: string) => toZoned(instant, timeZone).toPlainDate();

export const dayOf = (date: Temporal.PlainDate): Day => DAYS[date.dayOfWeek - 1] as Day;

/**
 * The instant of a wall-clock time on a date. A time that does not exist (the spring-forward gap)
 * moves forward by the gap's length, as Temporal's "compatible" rule says; "24:00" is the next
 * day's midnight.
 */
export function wallClock(date: Temporal.PlainDate, time: string, timeZone: string): Temporal.ZonedDateTime {
  if (time === "24:00") return date.add({ days: 1 }).toZonedDateTime({ timeZone });
  return date.toZonedDateTime({ timeZone, plainTime: plainTime(time) });
}

/** "3:30 PM", "9:00 AM". */
export function clockTime(zoned: Temporal.ZonedDateTime | Temporal.PlainTime): string {
  const hour12 = zoned.hour % 12 === 0 ? 12 : zoned.hour % 12;
  return `${hour12}:${String(zoned.minute).padStart(2, "0")} ${zoned.hour < 12 ? "AM" : "PM"}`;
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/**
 * "Tuesday at 3:30 PM" within the coming week; "Tuesday, May 14 at 3:30 PM" further out, so a
 * weekday never names two different days.
 */
export function spokenMoment(instant: Date, timeZone: string, now: Date): string {
  const zoned = toZoned(instant, timeZone);
  return `${speakableDay(zoned.toPlainDate(), timeZone, now)} at ${clockTime(zoned)}`;
}

/** "Tuesday" within the coming week, "Tuesday, May 14" further out. */
export function speakableDay(date: Temporal.PlainDate, timeZone: string, now: Date): string {
  const days = localDate(now, timeZone).until(date, { largestUnit: "days" }).days;
  const weekday = DAY_NAMES[dayOf(date)];
  return days >= 0 && days < 7 ? weekday : `${weekday}, ${MONTHS[date.month - 1]} ${date.day}`;
}

/** "Thursday, December 24" always: a closure's date is said in full, the caller may be far from it. */
export function speakableDate(date: Temporal.PlainDate): string {
  return `${DAY_NAMES[dayOf(date)]}, ${MONTHS[date.month - 1]} ${date.day}`;
}

/** "YYYY-MM-DD" → a PlainDate, or null when it is not a real date. */
export function parseDate(value: string): Temporal.PlainDate | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const api = temporal(); // outside the try: not loaded is a bug, not an unparseable date
  try {
    return api.PlainDate.from(value, { overflow: "reject" });
  } catch {
    return null;
  }
}

/**
 * A start as callers' tools send it: an ISO 8601 date-time with an offset or Z; one without an
 * offset is read as wall-clock time in the agent's timezone. Null when unparseable.
 */
export function parseStart(value: string, timeZone: string): Date | null {
  const trimmed = value.trim();
  const api = temporal(); // outside the try: not loaded is a bug, not an unparseable start
  try {
    if (/(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed)) return new Date(api.Instant.from(trimmed).epochMilliseconds);
    return toDate(api.PlainDateTime.from(trimmed).toZonedDateTime(timeZone));
  } catch {
    return null;
  }
}
