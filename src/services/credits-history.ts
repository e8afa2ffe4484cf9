/** A user's ledger as the dashboard reads it: newest first, keyset-paginated on (created_at, id). */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { creditTransactions } from "../db/schema";
import type { CreditKind } from "./credits-ledger";

export interface LedgerCursor {
  /** created_at with Postgres's microseconds: a millisecond Date would skip or repeat rows. */
  createdAt: string;
  id: string;
}

export interface TransactionView {
  id: string;
  delta: number;
  balanceAfter: number;
  kind: CreditKind;
  description: string | null;
  callId: string | null;
  createdAt: string;
}

const CURSOR_PATTERN = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const createdAtMicros = sql<string>`to_char(${creditTransactions.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export function encodeLedgerCursor(cursor: LedgerCursor): string {
  return btoa(`${cursor.createdAt}|${cursor.id}`).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeLedgerCursor(value: string): LedgerCursor | null {
  try {
    const match = CURSOR_PATTERN.exec(atob(value.replace(/-/g, "+").replace(/_/g, "/")));
    if (!match || !isRealInstant(match[1] as string)) return null;
    return { createdAt: match[1] as string, id: match[2] as string };
  } catch {
    return null;
  }
}

/**
 * The pattern lets through "2026-02-30" or "2026-13-45", which Postgres refuses with an error
 * (a 500): the instant must exist, and fall in years a ledger row can have.
 */
function isRealInstant(iso: string): boolean {
  const parsed = new Date(`${iso.slice(0, 23)}Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 19) === iso.slice(0, 19) && parsed.getUTCFullYear() >= 2000;
}

export async function listTransactions(db: Database, userId: string, { limit, cursor }: { limit: number; cursor?: LedgerCursor }) {
  const rows = await db
    .select({
      id: creditTransactions.id,
      delta: creditTransactions.delta,
      balanceAfter: creditTransactions.balanceAfter,
      kind: creditTransactions.kind,
      description: creditTransactions.description,
      callId: creditTransactions.callId,
      createdAt: createdAtMicros,
    })
    .from(creditTransactions)
    .where(
      and(
        eq(creditTransactions.userId, userId),
        cursor ? sql`(${creditTransactions.createdAt}, ${creditTransactions.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(creditTransactions.createdAt), desc(creditTransactions.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const items: TransactionView[] = page.map((row) => ({ ...row, createdAt: new Date(row.createdAt).toISOString() }));
  return { items, nextCursor: rows.length > limit && last ? encodeLedgerCursor({ createdAt: last.createdAt, id: last.id }) : null };
}
