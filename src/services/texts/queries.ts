/**
 * The texts as the dashboard reads them (docs/architecture.md §12 `GET /api/texts`): newest
 * first, keyset-paginated on (created_at, id), filtered by the other party's number (a
 * conversation), a call (with the texts of what it booked) or a booking; the opt-out list; and an owner's own reply, sent like
 * every other text (queued, charged, never to an opted-out number).
 */
import { and, desc, eq, inArray, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { bookingHolds, calls, textOptOuts, texts } from "../../db/schema";
import { AppError } from "../../errors";
import { encodeCursor, type KeysetCursor } from "../../lib/cursor";
import { queueText, type TextQueueDeps } from "./queue";

type TextRow = typeof texts.$inferSelect;

export function textJson(row: TextRow) {
  return {
    id: row.id,
    number: row.number,
    businessNumber: row.businessNumber,
    direction: row.direction,
    kind: row.kind,
    body: row.body,
    status: row.status,
    segments: row.segments,
    creditsCharged: row.creditsCharged,
    callId: row.callId,
    bookingId: row.bookingId,
    sendAfter: row.sendAfter?.toISOString() ?? null,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
  };
}

const createdAtMicros = sql<string>`to_char(${texts.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export async function listTexts(
  db: Database,
  businessId: string,
  query: { number?: string; callId?: string; bookingId?: string; limit: number; cursor?: KeysetCursor },
) {
  const found = await db
    .select({ row: texts, cursorAt: createdAtMicros })
    .from(texts)
    .where(
      and(
        eq(texts.businessId, businessId),
        query.number ? eq(texts.number, query.number) : undefined,
        query.callId ? or(eq(texts.callId, query.callId), inArray(texts.bookingId, bookingsOfCall(db, businessId, query.callId))) : undefined,
        query.bookingId ? eq(texts.bookingId, query.bookingId) : undefined,
        query.cursor ? sql`(${texts.createdAt}, ${texts.id}) < (${query.cursor.createdAt}::timestamptz, ${query.cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(texts.createdAt), desc(texts.id))
    .limit(query.limit + 1);
  const page = found.slice(0, query.limit);
  const last = page.at(-1);
  return {
    texts: page.map((entry) => textJson(entry.row)),
    nextCursor: found.length > query.limit && last ? encodeCursor({ createdAt: last.cursorAt, id: last.row.id }) : null,
  };
}

/**
 * The bookings a call made: a call's texts are its own (a text-back, an owner alert) and those of
 * what it booked (the confirmation, the reminders, the caller's C or X, and replies to them).
 */
function bookingsOfCall(db: Database, businessId: string, callId: string) {
  return db
    .select({ id: bookingHolds.id })
    .from(bookingHolds)
    .innerJoin(calls, and(eq(calls.vapiCallId, bookingHolds.callId), eq(calls.businessId, bookingHolds.businessId)))
    .where(and(eq(calls.id, callId), eq(calls.businessId, businessId)));
}

export async function listOptOuts(db: Database, businessId: string) {
  const rows = await db.select().from(textOptOuts).where(eq(textOptOuts.businessId, businessId)).orderBy(desc(textOptOuts.since)).limit(1000);
  return rows.map((row) => ({ number: row.number, since: row.since.toISOString() }));
}

/** The owner's reply to a caller; 409 when the caller opted out (they must text START first). */
export async function sendOwnerText(deps: TextQueueDeps, businessId: string, input: { to: string; body: string }) {
  const [optedOut] = await deps.db
    .select({ since: textOptOuts.since })
    .from(textOptOuts)
    .where(and(eq(textOptOuts.businessId, businessId), eq(textOptOuts.number, input.to)));
  if (optedOut) throw new AppError("conflict", "This number opted out of texts (it sent STOP); it can text START to opt back in.");
  const row = await queueText(deps, { businessId, number: input.to, kind: "reply", body: input.body, idempotencyKey: `reply:${crypto.randomUUID()}` });
  if (!row) throw new AppError("internal_error", "The text could not be saved.");
  return textJson(row);
}
