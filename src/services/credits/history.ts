/** A user's ledger as the dashboard reads it: newest first, keyset-paginated on (created_at, id). */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Bindings } from "../../bindings";
import type { Database } from "../../db/client";
import { creditTransactions } from "../../db/schema";
import type { CreditKind } from "../../durable-objects/credit-account/ledger";
import { encodeCursor, type KeysetCursor } from "../../lib/cursor";
import type { Business } from "../businesses/business";
import { creditSummary } from ".";

/** A ledger row as GET /api/credits shows it. */
export interface TransactionJson {
  id: string;
  delta: number;
  balanceAfter: number;
  kind: CreditKind;
  description: string | null;
  callId: string | null;
  createdAt: string;
}

const createdAtMicros = sql<string>`to_char(${creditTransactions.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** `createdAt` arrives as Postgres text with microseconds; the API shows milliseconds like every other time. */
function transactionJson(row: Omit<TransactionJson, "createdAt"> & { createdAt: string }): TransactionJson {
  return { ...row, createdAt: new Date(row.createdAt).toISOString() };
}

export async function listTransactions(db: Database, businessId: string, { limit, cursor }: { limit: number; cursor?: KeysetCursor }) {
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
        eq(creditTransactions.businessId, businessId),
        cursor ? sql`(${creditTransactions.createdAt}, ${creditTransactions.id}) < (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(creditTransactions.createdAt), desc(creditTransactions.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const items = page.map(transactionJson);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
}

/** `GET /api/credits`: the balance as the API shows it, the warning level and one page of the ledger. */
export async function creditsOverview(
  deps: { db: Database; env: Pick<Bindings, "CREDIT_ACCOUNT"> },
  business: Pick<Business, "id" | "creditBalance" | "lowCreditThreshold">,
  page: { limit: number; cursor?: KeysetCursor },
) {
  const [transactions, credits] = await Promise.all([listTransactions(deps.db, business.id, page), creditSummary(deps.env, business.id, business.creditBalance)]);
  return { ...credits, lowCreditThreshold: business.lowCreditThreshold, transactions: transactions.items, nextCursor: transactions.nextCursor };
}
