/**
 * `GET /api/stats`: calls, minutes and credits per day in the user's timezone, every day of the
 * range included (zeros for quiet days), and the totals. A call counts on the day it started
 * (or was received, for calls that never started).
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";

export const MAX_STATS_DAYS = 366;

export interface DayStats {
  date: string;
  calls: number;
  minutes: number;
  credits: number;
}

/**
 * The range asked for: a missing end is 29 days after the start, or today in the user's
 * timezone; a missing start is 29 days before the end (30 days in all).
 */
export function statsRange(query: { from?: string; to?: string }, timeZone: string, now: Date): { from: string; to: string } {
  const to = query.to ?? (query.from ? addDays(query.from, 29) : localIsoDate(now, timeZone));
  return { from: query.from ?? addDays(to, -29), to };
}

/** `GET /api/stats` for the signed-in user: their range, in their timezone. */
export function userCallStats(db: Database, user: { id: string; timezone: string }, query: { from?: string; to?: string }, now = new Date()) {
  return callStats(db, user.id, user.timezone, statsRange(query, user.timezone, now));
}

async function callStats(db: Database, businessId: string, timezone: string, range: { from: string; to: string }) {
  const result = await db.execute<{ date: string; calls: number; seconds: number; credits: number }>(sql`
    with days as (
      select d::date as date from generate_series(${range.from}::date, ${range.to}::date, interval '1 day') as d
    ), per_day as (
      select (coalesce(started_at, created_at) at time zone ${timezone})::date as date,
             count(*)::int as calls, coalesce(sum(duration_seconds), 0)::int as seconds, coalesce(sum(credits_charged), 0)::int as credits
      from calls
      where business_id = ${businessId}::uuid
        and coalesce(started_at, created_at) >= (${range.from}::date::timestamp at time zone ${timezone})
        and coalesce(started_at, created_at) < ((${range.to}::date + 1)::timestamp at time zone ${timezone})
      group by 1
    )
    select to_char(days.date, 'YYYY-MM-DD') as date, coalesce(p.calls, 0)::int as calls,
           coalesce(p.seconds, 0)::int as seconds, coalesce(p.credits, 0)::int as credits
    from days left join per_day p on p.date = days.date
    order by days.date`);
  const days: DayStats[] = result.rows.map((row) => ({ date: row.date, calls: Number(row.calls), minutes: minutes(Number(row.seconds)), credits: Number(row.credits) }));
  const seconds = result.rows.reduce((sum, row) => sum + Number(row.seconds), 0);
  const totals = {
    calls: days.reduce((sum, day) => sum + day.calls, 0),
    minutes: minutes(seconds),
    credits: days.reduce((sum, day) => sum + day.credits, 0),
  };
  return { days, totals };
}

/** Talk time in minutes, to one decimal. */
const minutes = (seconds: number) => Math.round(seconds / 6) / 10;

/** Today's date in `timeZone`, as YYYY-MM-DD. */
export function localIsoDate(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
