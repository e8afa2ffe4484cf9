/**
 * Fixed-window rate limits kept in Postgres, so they hold across isolates and restarts
 * (DESIGN §13). Each check or hit is one statement.
 *
 * @example
 *   await enforce(db, { key: `signup:ip:${ip}`, limit: 5, windowSeconds: 3600 });   // counts and throws 429
 *   await assertUnderLimit(db, rule); ...; await recordHit(db, rule);             // count failures only
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { AppError } from "../errors";

export interface RateLimitRule {
  key: string;
  limit: number;
  windowSeconds: number;
}

interface WindowRow extends Record<string, unknown> {
  count: number | string;
  retry_after: number | string;
}

/** Counts one hit and returns the window's count and the seconds until it resets. */
export async function recordHit(db: Database, rule: RateLimitRule) {
  const result = await db.execute<WindowRow>(sql`
    insert into rate_limits (key, window_start, count) values (${rule.key}, now(), 1)
    on conflict (key) do update set
      count = case when rate_limits.window_start <= now() - make_interval(secs => ${rule.windowSeconds})
                   then 1 else rate_limits.count + 1 end,
      window_start = case when rate_limits.window_start <= now() - make_interval(secs => ${rule.windowSeconds})
                   then now() else rate_limits.window_start end
    returning count,
      greatest(1, ceil(extract(epoch from (window_start + make_interval(secs => ${rule.windowSeconds}) - now()))))::int as retry_after`);
  return toWindow(result.rows[0]);
}

/** The current window of each rule without counting (for limits on failures only). */
export async function peekWindows(db: Database, rules: RateLimitRule[]) {
  if (!rules.length) return [];
  const keys = rules.map((rule) => rule.key);
  const result = await db.execute<WindowRow & { key: string; window_seconds: number }>(sql`
    select r.key, r.count,
      greatest(1, ceil(extract(epoch from (r.window_start + make_interval(secs => w.window_seconds) - now()))))::int as retry_after
    from rate_limits r
    join unnest(${toTextArray(keys)}::text[], ${toIntArray(rules.map((rule) => rule.windowSeconds))}::int[])
      as w(key, window_seconds) on w.key = r.key
    where r.window_start > now() - make_interval(secs => w.window_seconds)`);
  return rules.map((rule) => {
    const row = result.rows.find((candidate) => candidate.key === rule.key);
    return { rule, ...(row ? toWindow(row) : { count: 0, retryAfter: 0 }) };
  });
}

/** Throws 429 when any rule's window is already full. */
export async function assertUnderLimit(db: Database, rules: RateLimitRule[]) {
  for (const window of await peekWindows(db, rules)) {
    if (window.count >= window.rule.limit) throw rateLimited(window.retryAfter);
  }
}

/** Counts a hit and throws 429 when it goes over the limit. */
export async function enforce(db: Database, rule: RateLimitRule) {
  const window = await recordHit(db, rule);
  if (window.count > rule.limit) throw rateLimited(window.retryAfter);
  return window;
}

export function rateLimited(retryAfterSeconds: number) {
  return new AppError(
    "rate_limited",
    `Too many attempts. Try again in ${formatWait(retryAfterSeconds)}.`,
    { retryAfterSeconds },
    { "Retry-After": String(retryAfterSeconds) },
  );
}

function toWindow(row: WindowRow | undefined) {
  return { count: Number(row?.count ?? 0), retryAfter: Number(row?.retry_after ?? 0) };
}

function formatWait(seconds: number) {
  return seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
}

function toTextArray(values: string[]) {
  return `{${values.map((value) => `"${value.replace(/(["\\])/g, "\\$1")}"`).join(",")}}`;
}

function toIntArray(values: number[]) {
  return `{${values.map((value) => Math.trunc(value)).join(",")}}`;
}
