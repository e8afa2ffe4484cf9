/** The calls API's reads, scoped to the user: a keyset-paginated list (newest first) and one call. */
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { calls } from "../../db/schema";
import { foundOr404, ownedBy } from "../../db/scope";
import { encodeCursor, type KeysetCursor } from "../../lib/cursor";
import { effectiveFollowUp, type FollowUp, wasBooked } from "./follow-ups";
import { matchingCalls } from "./search";
import { callDetailJson, callJson } from "./view";

export interface CallFilters {
  agentId?: string;
  status?: string;
  from?: Date;
  to?: Date;
  followUp?: FollowUp;
  booked?: true;
  q?: string;
  limit: number;
  cursor?: KeysetCursor;
}

/** The business's retention days, read in the same statement as the calls (no second round trip). */
const retentionDays = sql<number | null>`(select b.retention_days from businesses b where b.id = ${calls.businessId})`.mapWith(Number);

const retentionOf = (days: number | null) => (days === null || days === undefined ? undefined : { retentionDays: days });

const createdAtMicros = sql<string>`to_char(${calls.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export async function listCalls(db: Database, businessId: string, filters: CallFilters) {
  const rows = await db
    .select({ call: calls, cursorAt: createdAtMicros, retentionDays })
    .from(calls)
    .where(
      and(
        eq(calls.businessId, businessId),
        filters.agentId ? eq(calls.agentId, filters.agentId) : undefined,
        filters.status ? eq(calls.status, filters.status) : undefined,
        filters.from ? gte(calls.createdAt, filters.from) : undefined,
        filters.to ? lt(calls.createdAt, filters.to) : undefined,
        filters.followUp ? sql`${effectiveFollowUp} = ${sql.raw(filters.followUp === "open" ? "'open'" : "'done'")}` : undefined,
        filters.booked ? wasBooked : undefined,
        filters.q ? matchingCalls(businessId, filters.q) : undefined,
        filters.cursor ? sql`(${calls.createdAt}, ${calls.id}) < (${filters.cursor.createdAt}::timestamptz, ${filters.cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(calls.createdAt), desc(calls.id))
    .limit(filters.limit + 1);
  const page = rows.slice(0, filters.limit);
  const last = page.at(-1);
  return {
    calls: page.map((row) => callJson(row.call, retentionOf(row.retentionDays))),
    nextCursor: rows.length > filters.limit && last ? encodeCursor({ createdAt: last.cursorAt, id: last.call.id }) : null,
  };
}

export async function getCall(db: Database, businessId: string, id: string) {
  const [row] = await db.select({ call: calls, retentionDays }).from(calls).where(ownedBy(calls, businessId, id)).limit(1);
  const found = foundOr404(row, "call");
  return callDetailJson(found.call, retentionOf(found.retentionDays));
}
