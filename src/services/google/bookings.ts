/**
 * The bookings as the business sees them (docs/architecture.md §3 `bookings`, §12
 * `GET /api/appointments`; docs/decisions/0321): every booking the receptionist (or the
 * dashboard) made is a booking_holds row, which already holds what the no-overlap rule needs and
 * now also the service, the staff member and the caller. Its status is read from the row:
 * cancelled; completed once its end has passed; moved when it was ever moved; else booked. A hold
 * still in flight (`held`) is not a booking yet and is never listed.
 *
 * The owner may cancel or move one: Google is changed first (the event lives on the staff
 * member's calendar, named by the hold's calendar id), then the row; the caller is e-mailed
 * through the side-effects queue when we have their address.
 */
import { and, asc, desc, eq, gt, lte, ne, type SQL, sql } from "drizzle-orm";
import type { Bindings } from "../../bindings";
import { agents, bookingHolds, calls } from "../../db/schema";
import { AppError } from "../../errors";
import { deleteEvent, moveEvent } from "../../integrations/google/calendar";
import { deadline } from "../../integrations/google/oauth";
import { encodeCursor, type KeysetCursor } from "../../lib/cursor";
import { sqlState } from "../../lib/sql-state";
import type { Agent } from "../agents/view";
import { rulesForMove } from "./appointments";
import { DEFAULT_TIMEOUT_MS, nextOpening } from "./availability";
import { retryOnDeadlock } from "./booking";
import { busyExcept, correction, spokenSlotTaken } from "./booking-support";
import { googleAccess } from "./connection";
import { failureError, type GoogleDeps, guarded } from "./results";
import { checkStart } from "./slots";
import { parseStart } from "./time";

export type BookingStatus = "booked" | "moved" | "cancelled" | "completed";
export const BOOKING_STATUSES = ["booked", "moved", "cancelled", "completed"] as const;

export interface BookingFilters {
  agentId?: string | undefined;
  staffId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  status?: BookingStatus | undefined;
  /** By start, earliest first (upcoming), or latest first (`desc`: the past, most recent first). */
  order?: "asc" | "desc" | undefined;
  limit: number;
  cursor?: KeysetCursor | undefined;
}

type Hold = typeof bookingHolds.$inferSelect;

export interface BookingDeps extends GoogleDeps {
  env: Pick<Bindings, "SIDE_EFFECTS">;
}

const startMicros = sql<string>`to_char(${bookingHolds.startAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** The status as a condition, so a filter pages correctly. */
function statusIs(status: BookingStatus, now: Date): SQL | undefined {
  const live = ne(bookingHolds.status, "cancelled");
  switch (status) {
    case "cancelled":
      return eq(bookingHolds.status, "cancelled");
    case "completed":
      return and(live, lte(bookingHolds.endAt, now));
    case "moved":
      return and(live, gt(bookingHolds.endAt, now), sql`${bookingHolds.movedAt} is not null`);
    case "booked":
      return and(live, gt(bookingHolds.endAt, now), sql`${bookingHolds.movedAt} is null`);
  }
}

export function statusOf(hold: Pick<Hold, "status" | "endAt" | "movedAt">, now: Date): BookingStatus {
  if (hold.status === "cancelled") return "cancelled";
  if (hold.endAt <= now) return "completed";
  return hold.movedAt ? "moved" : "booked";
}

export function bookingJson(hold: Hold, callId: string | null, now: Date) {
  return {
    id: hold.id,
    agentId: hold.agentId,
    start: hold.startAt.toISOString(),
    end: hold.endAt.toISOString(),
    service: hold.serviceName,
    staff: hold.staffId ? { id: hold.staffId, name: hold.staffName } : null,
    name: hold.callerName,
    phone: hold.callerPhone,
    email: hold.callerEmail,
    status: statusOf(hold, now),
    /** Our call's id (for /calls/:id), when a call made the booking. */
    callId,
  };
}

export type BookingJson = ReturnType<typeof bookingJson>;

/** One page of the business's bookings, by start time (then id) either way, filtered; `nextCursor` continues it. */
export async function listBookings(deps: Pick<GoogleDeps, "db" | "now">, businessId: string, filters: BookingFilters) {
  const now = deps.now();
  const latestFirst = filters.order === "desc";
  const after = (cursor: KeysetCursor) =>
    latestFirst
      ? sql`(${bookingHolds.startAt}, ${bookingHolds.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`
      : sql`(${bookingHolds.startAt}, ${bookingHolds.id}) > (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)`;
  const rows = await deps.db
    .select({ hold: bookingHolds, callId: calls.id, cursorAt: startMicros })
    .from(bookingHolds)
    .leftJoin(calls, and(eq(calls.vapiCallId, bookingHolds.callId), eq(calls.businessId, bookingHolds.businessId)))
    .where(
      and(
        eq(bookingHolds.businessId, businessId),
        ne(bookingHolds.status, "held"),
        filters.agentId ? eq(bookingHolds.agentId, filters.agentId) : undefined,
        filters.staffId ? eq(bookingHolds.staffId, filters.staffId) : undefined,
        filters.from ? gt(bookingHolds.endAt, filters.from) : undefined,
        filters.to ? sql`${bookingHolds.startAt} < ${filters.to.toISOString()}::timestamptz` : undefined,
        filters.status ? statusIs(filters.status, now) : undefined,
        filters.cursor ? after(filters.cursor) : undefined,
      ),
    )
    .orderBy(...(latestFirst ? [desc(bookingHolds.startAt), desc(bookingHolds.id)] : [asc(bookingHolds.startAt), asc(bookingHolds.id)]))
    .limit(filters.limit + 1);
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    appointments: page.map((row) => bookingJson(row.hold, row.callId, now)),
    nextCursor: rows.length > filters.limit && last ? encodeCursor({ createdAt: last.cursorAt, id: last.hold.id }) : null,
  };
}

/** The business's booking with its agent and our id of its call; another business's id is 404, like one that does not exist. */
async function ownBooking(deps: Pick<GoogleDeps, "db">, businessId: string, id: string): Promise<{ hold: Hold; agent: Agent; callId: string | null }> {
  const [row] = await deps.db
    .select({ hold: bookingHolds, agent: agents, callId: calls.id })
    .from(bookingHolds)
    .innerJoin(agents, eq(agents.id, bookingHolds.agentId))
    .leftJoin(calls, and(eq(calls.vapiCallId, bookingHolds.callId), eq(calls.businessId, bookingHolds.businessId)))
    .where(and(eq(bookingHolds.id, id), eq(bookingHolds.businessId, businessId), ne(bookingHolds.status, "held")))
    .limit(1);
  if (!row) throw new AppError("not_found", "No such appointment.");
  return row;
}

/** Tells the caller, when we have their e-mail; the queue sends it once per change. */
async function tellCaller(deps: BookingDeps, hold: Hold, change: "cancelled" | "moved") {
  if (!hold.callerEmail) return;
  await deps.env.SIDE_EFFECTS.send({
    type: "email.booking_changed",
    idempotencyKey: `booking:${hold.id}:${change}:${hold.startAt.toISOString()}`,
    bookingId: hold.id,
    change,
  });
}

/** Cancels the booking in Google (on its own calendar), then here; a cancelled one stays cancelled (idempotent). */
export async function cancelBooking(deps: BookingDeps, businessId: string, id: string) {
  const { hold, callId } = await ownBooking(deps, businessId, id);
  if (hold.status === "cancelled") return bookingJson(hold, callId, deps.now());
  if (hold.endAt <= deps.now()) throw new AppError("conflict", "This appointment is already over; it cannot be cancelled.");
  const result = await guarded(deps, "cancel booking", async () => {
    const access = await googleAccess(deps, businessId, deadline(DEFAULT_TIMEOUT_MS));
    if (hold.googleEventId) await deleteEvent(access, hold.calendarId, hold.googleEventId, false);
    return { ok: true as const };
  });
  if (!result.ok) throw failureError(result);
  const [cancelled] = await deps.db.update(bookingHolds).set({ status: "cancelled", updatedAt: deps.now() }).where(eq(bookingHolds.id, hold.id)).returning();
  const row = cancelled ?? { ...hold, status: "cancelled" as const };
  await tellCaller(deps, row, "cancelled");
  return bookingJson(row, callId, deps.now());
}

/**
 * Moves the booking to `start` on its own calendar, keeping its length, under its staff member's
 * hours: the range is moved in our row first (the exclusion constraint refuses a time another
 * booking on that calendar has), Google's free/busy is checked, then the event is moved; any
 * failure puts the row back.
 */
export async function moveBooking(deps: BookingDeps, businessId: string, id: string, input: { start: string }) {
  const { hold, agent, callId } = await ownBooking(deps, businessId, id);
  const now = deps.now();
  if (hold.status === "cancelled") throw new AppError("conflict", "This appointment was cancelled; it cannot be moved.");
  const start = parseStart(input.start, agent.timezone);
  if (!start) throw new AppError("validation_failed", "start: must be an ISO 8601 date-time", [{ path: "start", message: "must be an ISO 8601 date-time" }]);
  const rules = rulesForMove(agent, { start: hold.startAt.toISOString(), end: hold.endAt.toISOString(), staffId: hold.staffId });
  const result = await guarded(deps, "move booking", async () => {
    const access = await googleAccess(deps, businessId, deadline(DEFAULT_TIMEOUT_MS));
    const check = checkStart(rules, start, now);
    if (!check.ok) return correction(check, await nextOpening(access, hold.calendarId, rules, start, now), rules.timeZone, now);
    const slot = check.slot;
    const previous = { startAt: hold.startAt, endAt: hold.endAt, movedAt: hold.movedAt };
    const moved = await retryOnDeadlock(() =>
      deps.db
        .update(bookingHolds)
        .set({ startAt: slot.start, endAt: slot.end, expiresAt: slot.end, legacyOverlap: false, movedAt: now, updatedAt: now })
        .where(eq(bookingHolds.id, hold.id))
        .returning(),
    ).catch((error: unknown) => (sqlState(error) === "23P01" ? null : Promise.reject(error)));
    if (!moved?.[0]) return spokenSlotTaken(await nextOpening(access, hold.calendarId, rules, slot.end, now), rules.timeZone, now);
    const restore = () => deps.db.update(bookingHolds).set({ ...previous, expiresAt: previous.endAt, updatedAt: deps.now() }).where(eq(bookingHolds.id, hold.id));
    try {
      const buffer = rules.bufferMinutes * 60_000;
      if (hold.googleEventId && (await busyExcept(access, hold.calendarId, new Date(slot.start.getTime() - buffer), new Date(slot.end.getTime() + buffer), hold.googleEventId))) {
        await restore();
        return spokenSlotTaken(await nextOpening(access, hold.calendarId, rules, slot.end, now), rules.timeZone, now);
      }
      if (hold.googleEventId) await moveEvent(access, hold.calendarId, hold.googleEventId, slot.start, slot.end, agent.timezone, false);
    } catch (error) {
      await restore().catch(() => undefined);
      throw error;
    }
    return { ok: true as const, hold: moved[0] };
  });
  if (!result.ok) throw failureError(result);
  await tellCaller(deps, result.hold, "moved");
  return bookingJson(result.hold, callId, deps.now());
}
