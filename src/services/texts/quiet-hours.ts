/**
 * Quiet hours (docs/architecture.md §7b): no text to a caller between 21:00 and 08:00 in the
 * business's timezone; one that falls due then is held until 08:00. Temporal does the
 * arithmetic, so a DST night comes out right (08:00 is the wall clock, whatever the offset).
 * Callers must `await loadTemporal()` first (services/google/time.ts).
 */
import { toDate, toZoned, wallClock } from "../google/time";

export const QUIET_FROM_HOUR = 21;
export const QUIET_UNTIL = "08:00";

/** `now` when a text may go now, else the next 08:00 where the business is. */
export function nextSendableAt(now: Date, timeZone: string): Date {
  const zoned = toZoned(now, timeZone);
  if (zoned.hour >= 8 && zoned.hour < QUIET_FROM_HOUR) return now;
  const day = zoned.hour >= QUIET_FROM_HOUR ? zoned.toPlainDate().add({ days: 1 }) : zoned.toPlainDate();
  return toDate(wallClock(day, QUIET_UNTIL, timeZone));
}
