/**
 * The appointment grid, pure: an agent's business hours on a date, cut into slots of the
 * appointment length from each opening time; minus what is too soon (minimum notice), beyond
 * the booking horizon, or within the buffer of a busy period. And the check of one requested
 * start against the same rules, saying what is wrong with it.
 */
import type { BusyPeriod } from "../../integrations/google/calendar";
import type { Agent } from "../agents/view";
import { DAY_NAMES, normalizeBusinessHours, type TimeRange } from "../assistant/business-hours";
import { clockTime, comparePlainDates, dayOf, localDate, plainTime, type Temporal, toDate, toZoned, wallClock } from "./time";

const MINUTE = 60_000;

export interface BookingRules {
  timeZone: string;
  hours: ReturnType<typeof normalizeBusinessHours>;
  appointmentMinutes: number;
  bufferMinutes: number;
  minNoticeMinutes: number;
  horizonDays: number;
}

export interface Interval {
  start: Date;
  end: Date;
}

export function rulesOf(agent: Agent): BookingRules {
  return {
    timeZone: agent.timezone,
    hours: normalizeBusinessHours(agent.businessHours),
    appointmentMinutes: agent.appointmentMinutes,
    bufferMinutes: agent.bufferMinutes,
    minNoticeMinutes: agent.minNoticeMinutes,
    horizonDays: agent.horizonDays,
  };
}

/** Every slot of the day's grid, ignoring notice, horizon and busy time. */
export function gridOf(rules: BookingRules, date: Temporal.PlainDate): Interval[] {
  const slots: Interval[] = [];
  const length = rules.appointmentMinutes * MINUTE;
  for (const range of rules.hours[dayOf(date)]) {
    const open = toDate(wallClock(date, range.start, rules.timeZone)).getTime();
    const close = toDate(wallClock(date, range.end, rules.timeZone)).getTime();
    for (let start = open; start + length <= close; start += length) slots.push({ start: new Date(start), end: new Date(start + length) });
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
  const ranges = rules.hours[day];
  if (!ranges.length) return { ok: false, problem: "closed", message: `We're closed on ${DAY_NAMES[day]}s` };
  const grid = gridOf(rules, date);
  const slot = grid.find((candidate) => candidate.start.getTime() === start.getTime());
  if (slot) return { ok: true, slot };
  const inside = grid.some((candidate) => candidate.start <= start && start < candidate.end);
  if (!inside) return { ok: false, problem: "outside_hours", message: `We're open ${describeRanges(ranges)} on ${DAY_NAMES[day]}s` };
  const before = [...grid].reverse().find((candidate) => candidate.start < start);
  const after = grid.find((candidate) => candidate.start > start);
  return {
    ok: false,
    problem: "off_grid",
    message: `Appointments are ${rules.appointmentMinutes} minutes long and start at set times, such as ${[before, after]
      .filter((s): s is Interval => Boolean(s))
      .map((s) => clockTime(toZoned(s.start, rules.timeZone)))
      .join(" or ")}`,
    nearby: [before, after].filter((s): s is Interval => Boolean(s)),
  };
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
