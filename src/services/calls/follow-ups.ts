/**
 * Follow-ups (docs/architecture.md §12 wave 3): a call the receptionist judged needs a call back
 * is "open" until someone marks it "done" (with a note, if they like); the owner's word, once
 * given, wins over the model's. The effective state is one SQL expression, so the list's filter,
 * its partial index (migration 0016) and the view agree.
 */
import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { calls } from "../../db/schema";
import { foundOr404 } from "../../db/scope";
import { STRUCTURED_DATA_KEYS } from "../../integrations/vapi/structured-data";

export type FollowUp = "open" | "done";

// Our own constants, written into the SQL (not bound) so the partial indexes' predicates match the queries'.
const FOLLOW_UP_NEEDED = sql.raw(`'${STRUCTURED_DATA_KEYS.followUpNeeded}'`);
const APPOINTMENT_BOOKED = sql.raw(`'${STRUCTURED_DATA_KEYS.appointmentBooked}'`);

/** 'open', 'done' or null: the owner's word, else open when the receptionist said a call back is needed. */
export const effectiveFollowUp: SQL<FollowUp | null> = sql`coalesce(${calls.followUp}, case when ${calls.structuredData} -> ${FOLLOW_UP_NEEDED} = 'true'::jsonb then 'open' end)`;

/** A call on which something was booked: a booking event, or the receptionist's own note of one. */
export const wasBooked: SQL<boolean> = sql`(${calls.events} @> '[{"kind": "booked"}]'::jsonb or ${calls.structuredData} -> ${APPOINTMENT_BOOKED} = 'true'::jsonb)`;

/** The follow-up as the API shows it, from a row (the same rule as `effectiveFollowUp`). */
export function followUpOf(row: { followUp: string | null; structuredData: Record<string, unknown> | null }): FollowUp | null {
  if (row.followUp === "open" || row.followUp === "done") return row.followUp;
  return row.structuredData?.[STRUCTURED_DATA_KEYS.followUpNeeded] === true ? "open" : null;
}

export interface FollowUpChange {
  followUp: FollowUp;
  /** Absent: the note stays as it is; null or "": the note is removed. */
  note?: string | null | undefined;
}

/** One statement, scoped to the tenant: another business's call id is a 404 and changes nothing. Answers the row. */
export async function setFollowUp(db: Database, tenantId: string, callId: string, byUserId: string, change: FollowUpChange) {
  const note = change.note === undefined ? {} : { followUpNote: change.note?.trim() || null };
  const [row] = await db
    .update(calls)
    .set({ followUp: change.followUp, ...note, followUpAt: sql`now()`, followUpBy: byUserId, updatedAt: sql`now()` })
    .where(and(eq(calls.businessId, tenantId), eq(calls.id, callId)))
    .returning();
  return foundOr404(row, "call");
}
