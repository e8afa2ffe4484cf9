/**
 * Everything of one business as NDJSON (docs/architecture.md §7d, ADR 1112): one JSON record per
 * line, each with a `type`, read in pages of bounded size with keyset pagination (the key column
 * of each table, ascending), so a business with 100k calls is streamed, never held in memory. A
 * page is read only when the reader asks for more (a pull stream), so a slow download reads no
 * further ahead than one page.
 *
 * What is never exported: password hashes, session ids, token hashes, Google token ciphertexts and
 * refresh leases (those columns are not selected at all, so no later column can slip in). The last
 * line is `{"type":"end", counts}`: a download without it was cut short.
 */
import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Database } from "../../db/client";
import {
  agents,
  auditEvents,
  bookingHolds,
  businesses,
  calls,
  creditTransactions,
  googleConnections,
  invitations,
  memberships,
  phoneNumbers,
  stripeDisputes,
  stripeRefundFailures,
  stripeRefunds,
  textOptOuts,
  texts,
  users,
} from "../../db/schema";
import { enforce } from "../rate-limit";

export const EXPORT_FORMAT_VERSION = 1;
/** Rows per read; calls carry whole conversations, so they come in smaller pages. */
export const EXPORT_PAGE_SIZE = 500;
export const EXPORT_CALL_PAGE_SIZE = 100;

type ExportRecord = Record<string, unknown> & { type: string };

/** One kind of record: how to read the page after `after` (its key column's last value). */
interface Source {
  type: string;
  pageSize: number;
  page: (db: Database, businessId: string, after: string | null, limit: number) => Promise<{ key: string; record: Record<string, unknown> }[]>;
}

/** `where tenant = businessId and key > after`, ordered by key, at most `limit` rows. */
function keyset(tenant: PgColumn, key: PgColumn, businessId: string, after: string | null): SQL {
  return and(eq(tenant, businessId), after === null ? undefined : gt(key, after)) as SQL;
}

const withKey = <T extends Record<string, unknown>>(key: (row: T) => string) => (rows: T[]) => rows.map((row) => ({ key: key(row), record: row }));

const SOURCES: Source[] = [
  {
    type: "member",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db
        .select({ userId: memberships.userId, email: users.email, name: users.name, role: memberships.role, joinedAt: memberships.createdAt })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(keyset(memberships.businessId, memberships.userId, businessId, after))
        .orderBy(asc(memberships.userId))
        .limit(limit)
        .then(withKey((row) => row.userId)),
  },
  {
    type: "invitation",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db
        .select({ id: invitations.id, email: invitations.email, role: invitations.role, expiresAt: invitations.expiresAt, acceptedAt: invitations.acceptedAt, createdAt: invitations.createdAt })
        .from(invitations)
        .where(keyset(invitations.businessId, invitations.id, businessId, after))
        .orderBy(asc(invitations.id))
        .limit(limit)
        .then(withKey((row) => row.id)),
  },
  {
    type: "agent",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db.select().from(agents).where(keyset(agents.businessId, agents.id, businessId, after)).orderBy(asc(agents.id)).limit(limit).then(withKey((row) => row.id)),
  },
  {
    type: "phone_number",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db
        .select()
        .from(phoneNumbers)
        .where(keyset(phoneNumbers.businessId, phoneNumbers.id, businessId, after))
        .orderBy(asc(phoneNumbers.id))
        .limit(limit)
        .then(withKey((row) => row.id)),
  },
  {
    type: "call",
    pageSize: EXPORT_CALL_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db.select().from(calls).where(keyset(calls.businessId, calls.id, businessId, after)).orderBy(asc(calls.id)).limit(limit).then(withKey((row) => row.id)),
  },
  {
    type: "booking",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db
        .select()
        .from(bookingHolds)
        .where(keyset(bookingHolds.businessId, bookingHolds.id, businessId, after))
        .orderBy(asc(bookingHolds.id))
        .limit(limit)
        .then(withKey((row) => row.id)),
  },
  {
    type: "ledger_entry",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db
        .select()
        .from(creditTransactions)
        .where(keyset(creditTransactions.businessId, creditTransactions.id, businessId, after))
        .orderBy(asc(creditTransactions.id))
        .limit(limit)
        .then(withKey((row) => row.id)),
  },
  {
    type: "stripe_refund",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db
        .select()
        .from(stripeRefunds)
        .where(keyset(stripeRefunds.businessId, stripeRefunds.chargeId, businessId, after))
        .orderBy(asc(stripeRefunds.chargeId))
        .limit(limit)
        .then(withKey((row) => row.chargeId)),
  },
  {
    type: "stripe_refund_failure",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db
        .select()
        .from(stripeRefundFailures)
        .where(keyset(stripeRefundFailures.businessId, stripeRefundFailures.refundId, businessId, after))
        .orderBy(asc(stripeRefundFailures.refundId))
        .limit(limit)
        .then(withKey((row) => row.refundId)),
  },
  {
    type: "stripe_dispute",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db
        .select()
        .from(stripeDisputes)
        .where(keyset(stripeDisputes.businessId, stripeDisputes.disputeId, businessId, after))
        .orderBy(asc(stripeDisputes.disputeId))
        .limit(limit)
        .then(withKey((row) => row.disputeId)),
  },
  {
    // Metadata only: the token ciphertexts and the refresh lease are not selected.
    type: "google_connection",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db
        .select({
          id: googleConnections.id,
          googleEmail: googleConnections.googleEmail,
          scopes: googleConnections.scopes,
          status: googleConnections.status,
          spreadsheetId: googleConnections.spreadsheetId,
          calendarId: googleConnections.calendarId,
          createdAt: googleConnections.createdAt,
          updatedAt: googleConnections.updatedAt,
        })
        .from(googleConnections)
        .where(keyset(googleConnections.businessId, googleConnections.id, businessId, after))
        .orderBy(asc(googleConnections.id))
        .limit(limit)
        .then(withKey((row) => row.id)),
  },
  {
    type: "text",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db.select().from(texts).where(keyset(texts.businessId, texts.id, businessId, after)).orderBy(asc(texts.id)).limit(limit).then(withKey((row) => row.id)),
  },
  {
    type: "text_opt_out",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db
        .select()
        .from(textOptOuts)
        .where(keyset(textOptOuts.businessId, textOptOuts.number, businessId, after))
        .orderBy(asc(textOptOuts.number))
        .limit(limit)
        .then(withKey((row) => row.number)),
  },
  {
    type: "audit_event",
    pageSize: EXPORT_PAGE_SIZE,
    page: (db, businessId, after, limit) =>
      db
        .select()
        .from(auditEvents)
        .where(keyset(auditEvents.businessId, auditEvents.id, businessId, after))
        .orderBy(asc(auditEvents.id))
        .limit(limit)
        .then(withKey((row) => row.id)),
  },
];

/** The business row as exported: its settings and balance, never anything of Stripe's beyond its customer id. */
async function businessRecord(db: Database, businessId: string): Promise<ExportRecord | null> {
  const [row] = await db.select().from(businesses).where(eq(businesses.id, businessId)).limit(1);
  if (!row) return null;
  return { type: "business", ...row };
}

/** The export file's name: `agentline-export-2026-12-02.ndjson` (the UTC date it was made). */
export function exportFileName(now: Date): string {
  return `agentline-export-${now.toISOString().slice(0, 10)}.ndjson`;
}

/**
 * The business's records as a pull stream of NDJSON bytes: a header line, the business, then each
 * source page by page, then the `end` line with the count per type. A read that fails errors the
 * stream (the download ends without its `end` line).
 */
export function exportBusiness(db: Database, businessId: string, now: Date): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const counts: Record<string, number> = {};
  let sourceIndex = -1; // -1: the header and the business row are still to come
  let after: string | null = null;
  const lines = (records: ExportRecord[]) => encoder.encode(records.map((record) => `${JSON.stringify(record)}\n`).join(""));

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (sourceIndex === -1) {
          const business = await businessRecord(db, businessId);
          sourceIndex = 0;
          const header: ExportRecord = { type: "export", formatVersion: EXPORT_FORMAT_VERSION, businessId, exportedAt: now.toISOString() };
          controller.enqueue(lines(business ? [header, business] : [header]));
          return;
        }
        // Empty pages (a source with nothing, or one that ended on a full page) send nothing:
        // read on until there is something to send or the end.
        for (;;) {
          const source = SOURCES[sourceIndex];
          if (!source) {
            controller.enqueue(lines([{ type: "end", counts }]));
            controller.close();
            return;
          }
          const rows = await source.page(db, businessId, after, source.pageSize);
          counts[source.type] = (counts[source.type] ?? 0) + rows.length;
          if (rows.length < source.pageSize) {
            sourceIndex += 1;
            after = null;
          } else {
            after = rows.at(-1)?.key ?? null;
          }
          if (rows.length) {
            controller.enqueue(lines(rows.map((row) => ({ type: source.type, ...row.record }))));
            return;
          }
        }
      },
    },
    { highWaterMark: 0 },
  );
}

/** For tests and docs: every record type the export can contain, in the order it writes them. */
export const EXPORT_RECORD_TYPES = ["export", "business", ...SOURCES.map((source) => source.type), "end"] as const;

/** Exports per business per hour: each reads every row of the business. */
export const EXPORTS_PER_HOUR = 3;

/** The owner's GET /api/export: counted against the business's hourly limit (429 past it), then streamed. */
export async function openExport(deps: { db: Database; now: () => Date }, businessId: string) {
  await enforce(deps.db, { key: `export:business:${businessId}`, limit: EXPORTS_PER_HOUR, windowSeconds: 3600 });
  const now = deps.now();
  return { fileName: exportFileName(now), stream: exportBusiness(deps.db, businessId, now) };
}
