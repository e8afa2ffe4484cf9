/**
 * Fixed-window rate limits kept in Postgres, so they hold across isolates and restarts
 * (docs/architecture.md §13). Each check or hit is one statement.
 *
 * An attempt is always counted (one atomic upsert) *before* it is judged, so a burst of
 * parallel requests cannot all see a count under the limit: at most `limit` of them get past.
 *
 * @example
 *   await enforce(db, { key: `signup:ip:${ip}`, limit: 5, windowSeconds: 3600 });   // counts and throws 429
 *   const attempt = await claimAttempt(db, rules);   // counts on every rule, throws 429 when over
 *   if (ok) await attempt.release();                // "failures only": a success gives its count back
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
  window_id?: string;
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
      greatest(1, ceil(extract(epoch from (window_start + make_interval(secs => ${rule.windowSeconds}) - now()))))::int as retry_after,
      to_char(window_start at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as window_id`);
  const row = result.rows[0];
  return { ...toWindow(row), windowId: row?.window_id ?? null };
}

/**
 * Counts one attempt on every rule, then judges: 429 when any window is over its limit. The
 * count comes first and is atomic, so under any burst at most `limit` attempts are judged.
 * `release()` gives the attempt back (for limits that count failures only); it only touches the
 * window the attempt was counted in.
 */
export async function claimAttempt(db: Database, rules: RateLimitRule[]) {
  const windows = await Promise.all(rules.map(async (rule) => ({ rule, ...(await recordHit(db, rule)) })));
  const over = windows.filter((window) => window.count > window.rule.limit);
  if (over.length) throw rateLimited(Math.max(...over.map((window) => window.retryAfter)));
  return {
    async release() {
      await Promise.all(
        windows.map((window) =>
          window.windowId
            ? db.execute(sql`
                update rate_limits set count = count - 1
                where key = ${window.rule.key} and window_start = ${window.windowId}::timestamptz and count > 0`)
            : undefined,
        ),
      );
    },
  };
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
