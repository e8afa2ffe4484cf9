/**
 * The appointment grid, pure: an agent's business hours on a date, cut into slots of the
 * appointment length from each opening time; minus what is too soon (minimum notice), beyond
 * the booking horizon, or within the buffer of a busy period. And the check of one requested
 * start against the same rules, saying what is wrong with it.
 */
import type { BusyPeriod } from "../../integrations/google/calendar";
import type { Agent } from "../agents/view";
import { DAY_NAMES, normalizeBusinessHours, type TimeRange } from "../assistant/business-hours";
import { clockTime, comparePlainDates, dayOf, localDate, plainTime, speakableDate, type Temporal, toDate, toZoned, wallClock } from "./time";

const MINUTE = 60_000;

export interface BookingRules {
  timeZone: string;
  hours: ReturnType<typeof normalizeBusinessHours>;
  /** How long the appointment lasts: the service's minutes (the agent's appointment length without services). */
  appointmentMinutes: number;
  /** How often a slot may start within a range: the agent's appointment length, or the service's when shorter. */
  stepMinutes: number;
  bufferMinutes: number;
  minNoticeMinutes: number;
  horizonDays: number;
  /** Whole days nothing is booked (inclusive, in the agent's timezone); a reason may be said. */
  closures: { from: string; to: string; reason?: string | undefined }[];
}

export interface Interval {
  start: Date;
  end: Date;
}

export const slotJson = (slot: Interval): { start: string; end: string } => ({ start: slot.start.toISOString(), end: slot.end.toISOString() });

export function rulesOf(agent: Agent): BookingRules {
  return {
    timeZone: agent.timezone,
    hours: normalizeBusinessHours(agent.businessHours),
    appointmentMinutes: agent.appointmentMinutes,
    stepMinutes: agent.appointmentMinutes,
    bufferMinutes: agent.bufferMinutes,
    minNoticeMinutes: agent.minNoticeMinutes,
    horizonDays: agent.horizonDays,
    closures: agent.bookingClosures ?? [],
  };
}

/** The closure covering `date`, if any (dates compare as YYYY-MM-DD strings). */
export function closureOn(rules: Pick<BookingRules, "closures">, date: Temporal.PlainDate) {
  const day = date.toString();
  return rules.closures.find((closure) => closure.from <= day && day <= closure.to);
}

/**
 * Every slot of the day's grid, ignoring notice, horizon and busy time: from each range's opening,
 * a start every `stepMinutes`, each lasting the appointment's length and ending inside the same
 * range (so a break between two ranges is never booked over). Ranges are wall-clock times turned
 * into instants by Temporal, so DST days have their real length. A closed day has none.
 */
export function gridOf(rules: BookingRules, date: Temporal.PlainDate): Interval[] {
  if (closureOn(rules, date)) return [];
  const slots: Interval[] = [];
  const length = rules.appointmentMinutes * MINUTE;
  const step = rules.stepMinutes * MINUTE;
  for (const range of rules.hours[dayOf(date)]) {
    const open = toDate(wallClock(date, range.start, rules.timeZone)).getTime();
    const close = toDate(wallClock(date, range.end, rules.timeZone)).getTime();
    for (let start = open; start + length <= close; start += step) slots.push({ start: new Date(start), end: new Date(start + length) });
  }
  return slots;
}

/** The first instant that may be booked, and the last date that may be. */
export function bookingWindow(rules: BookingRules, now: Date) {
  return {
    earliest: new Date(now.getTime() + rules.minNoticeMinutes * MINUTE),
    lastDate: localDate(now, rules.timeZone).add({ days: rules.horizonDays }),
  };
}

export function overlapsBusy(rules: BookingRules, slot: Interval, busy: BusyPeriod[]): boolean {
  const buffer = rules.bufferMinutes * MINUTE;
  return busy.some((period) => period.start.getTime() < slot.end.getTime() + buffer && period.end.getTime() > slot.start.getTime() - buffer);
}

/** The day's free slots: on the grid, after the notice, within the horizon, clear of busy time. */
export function freeSlots(rules: BookingRules, date: Temporal.PlainDate, busy: BusyPeriod[], now: Date): Interval[] {
  const { earliest, lastDate } = bookingWindow(rules, now);
  if (comparePlainDates(date, lastDate) > 0) return [];
  return gridOf(rules, date).filter((slot) => slot.start >= earliest && !overlapsBusy(rules, slot, busy));
}

export type StartProblem = "past" | "too_soon" | "beyond_horizon" | "closed" | "outside_hours" | "off_grid";

export type StartCheck = { ok: true; slot: Interval } | { ok: false; problem: StartProblem; message: string; nearby?: Interval[] };

/** Whether `start` is a bookable slot by the rules alone (Google's busy time is checked apart). */
export function checkStart(rules: BookingRules, start: Date, now: Date): StartCheck {
  const date = toZoned(start, rules.timeZone).toPlainDate();
  const day = dayOf(date);
  const { earliest, lastDate } = bookingWindow(rules, now);
  if (start <= now) return { ok: false, problem: "past", message: "That time has already passed" };
  if (start < earliest) return { ok: false, problem: "too_soon", message: `We need at least ${describeMinutes(rules.minNoticeMinutes)} notice for appointments` };
  if (comparePlainDates(date, lastDate) > 0) {
    return { ok: false, problem: "beyond_horizon", message: `We only book up to ${rules.horizonDays} day${rules.horizonDays === 1 ? "" : "s"} ahead` };
  }
  const closure = closureOn(rules, date);
  if (closure) return { ok: false, problem: "closed", message: closedMessage(closure, date) };
  const ranges = rules.hours[day];
  if (!ranges.length) return { ok: false, problem: "closed", message: `We're closed on ${DAY_NAMES[day]}s` };
  const grid = gridOf(rules, date);
  const slot = grid.find((candidate) => candidate.start.getTime() === start.getTime());
  if (slot) return { ok: true, slot };
  // Inside a range, but the appointment would run past its end (into a break, or past closing).
  const range = ranges.findIndex((r) => toDate(wallClock(date, r.start, rules.timeZone)) <= start && start < toDate(wallClock(date, r.end, rules.timeZone)));
  const within = ranges[range];
  if (within && start.getTime() + rules.appointmentMinutes * MINUTE > toDate(wallClock(date, within.end, rules.timeZone)).getTime()) {
    const until = within.end === "24:00" ? "midnight" : clockTime(plainTime(within.end));
    const why = range < ranges.length - 1 ? `we take a break at ${until}` : `we close at ${until}`;
    return { ok: false, problem: "outside_hours", message: `That appointment takes ${describeLength(rules.appointmentMinutes)} and ${why}` };
  }
  const inside = grid.some((candidate) => candidate.start <= start && start < candidate.end);
  if (!inside) return { ok: false, problem: "outside_hours", message: `We're open ${describeRanges(ranges)} on ${DAY_NAMES[day]}s` };
  const before = [...grid].reverse().find((candidate) => candidate.start < start);
  const after = grid.find((candidate) => candidate.start > start);
  return {
    ok: false,
    problem: "off_grid",
    message: `Appointments are ${describeLength(rules.appointmentMinutes)} long and start at set times, such as ${[before, after]
      .filter((s): s is Interval => Boolean(s))
      .map((s) => clockTime(toZoned(s.start, rules.timeZone)))
      .join(" or ")}`,
    nearby: [before, after].filter((s): s is Interval => Boolean(s)),
  };
}

/** "We're closed on Thursday, December 24 for the holiday" (the owner's reason, as they wrote it). */
export function closedMessage(closure: { reason?: string | undefined }, date: Temporal.PlainDate): string {
  const reason = closure.reason?.trim();
  return `We're closed on ${speakableDate(date)}${reason ? ` for ${reason.replace(/[.!]+$/, "")}` : ""}`;
}

/** "30 minutes", "1 hour", "1 hour 30 minutes", "3 hours". */
export function describeLength(minutes: number): string {
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  const h = hours ? `${hours} hour${hours === 1 ? "" : "s"}` : "";
  const m = rest ? `${rest} minute${rest === 1 ? "" : "s"}` : "";
  return [h, m].filter(Boolean).join(" ");
}

function describeRanges(ranges: TimeRange[]): string {
  const spoken = ranges.map((range) => `${clockTime(plainTime(range.start === "24:00" ? "00:00" : range.start))} to ${range.end === "24:00" ? "midnight" : clockTime(plainTime(range.end))}`);
  return spoken.length > 1 ? `${spoken.slice(0, -1).join(", ")} and ${spoken.at(-1)}` : (spoken[0] ?? "");
}

function describeMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? "'s" : "s'"}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? "'s" : "s'"}`;
  return `${minutes} minutes'`;
}
