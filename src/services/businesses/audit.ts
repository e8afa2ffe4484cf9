/**
 * The owner's audit list (docs/architecture.md §7c): who changed agents, numbers, billing and
 * members. An entry is written in the same transaction as the change it records, so there is
 * never a change without its entry or an entry without its change:
 * - `recordAudit(db, entry, when?)` is a query to put in the change's `db.batch([...])`;
 * - `auditInsert(entry, when?)` is the same insert as SQL, for a data-modifying CTE inside the
 *   change's own statement (`when` then names the CTE that did the change).
 *
 * @example
 *   await db.batch([db.update(agents)…, recordAudit(db, { businessId, userId, action: "agent.updated", target: { type: "agent", id } })]);
 */
import { and, desc, eq, is, SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { auditEvents, users } from "../../db/schema";
import { encodeCursor, type KeysetCursor } from "../../lib/cursor";

export const AUDIT_ACTIONS = [
  "member.invited",
  "member.invitation_revoked",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "member.left",
  "agent.created",
  "agent.updated",
  "agent.deleted",
  "number.bought",
  "number.assigned",
  "number.released",
  "billing.checkout_started",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  businessId: string;
  /** Who did it; null for a change the system made. */
  userId: string | null;
  action: AuditAction;
  /** What it was done to; `id` may be SQL when the change's own statement makes the id. */
  target?: { type: string; id: string | SQL };
  /**
   * What an owner needs to read the entry without the target (an e-mail, a name, old and new
   * role); SQL yielding jsonb when only the change's statement knows it (a deleted row's e-mail).
   */
  detail?: Record<string, unknown> | SQL;
}

/** The entry's insert as SQL, written only when `when` holds (default: always). */
export function auditInsert(entry: AuditEntry, when: SQL = sql`true`): SQL {
  const detail = entry.detail === undefined ? sql`null` : is(entry.detail, SQL) ? entry.detail : sql`${JSON.stringify(entry.detail)}::jsonb`;
  return sql`
    insert into ${auditEvents} (business_id, user_id, action, target_type, target_id, detail)
    select ${entry.businessId}::uuid, ${entry.userId}::uuid, ${entry.action}, ${entry.target?.type ?? null}, ${entry.target?.id ?? null}, ${detail}
    where ${when}`;
}

/** The entry as a query for the change's `db.batch([...])`. */
export function recordAudit(db: Database, entry: AuditEntry, when?: SQL) {
  return db.execute(auditInsert(entry, when));
}

/** An entry as GET /api/audit shows it. */
export interface AuditEntryJson {
  id: string;
  at: string;
  userId: string | null;
  /** The actor's e-mail while the account exists. */
  email: string | null;
  action: string;
  target: { type: string; id: string } | null;
  detail: Record<string, unknown> | null;
}

const createdAtMicros = sql<string>`to_char(${auditEvents.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** One page of a business's audit list, newest first, keyset-paginated on (created_at, id). */
export async function listAudit(db: Database, businessId: string, { limit, cursor }: { limit: number; cursor?: KeysetCursor }) {
  const rows = await db
    .select({
      id: auditEvents.id,
      createdAt: createdAtMicros,
      userId: auditEvents.userId,
      email: users.email,
      action: auditEvents.action,
      targetType: auditEvents.targetType,
      targetId: auditEvents.targetId,
      detail: auditEvents.detail,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.userId))
    .where(
      and(
        eq(auditEvents.businessId, businessId),
        cursor ? sql`(${auditEvents.createdAt}, ${auditEvents.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const entries: AuditEntryJson[] = page.map((row) => ({
    id: row.id,
    at: new Date(row.createdAt).toISOString(),
    userId: row.userId,
    email: row.email,
    action: row.action,
    target: row.targetType && row.targetId ? { type: row.targetType, id: row.targetId } : null,
    detail: row.detail ?? null,
  }));
  return { entries, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
}
