/**
 * Per-business scoping for every resource the API serves (docs/architecture.md §13): rows are always
 * looked up by (business id, row id) together, so another business's id reads as "not found", never
 * as 403.
 */
import { and, eq, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { AppError } from "../errors";

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface OwnedTable {
  id: PgColumn;
  businessId: PgColumn;
}

/** `where` for rows of `table` belonging to `businessId` (and with `id`, when given). */
export function ownedBy(table: OwnedTable, businessId: string, id?: string): SQL {
  return id === undefined ? eq(table.businessId, businessId) : (and(eq(table.businessId, businessId), eq(table.id, id)) as SQL);
}

/** Throws 404 for an id that cannot exist; keeps malformed ids from reaching Postgres as errors. */
export function assertId(id: string, what: string): string {
  if (!UUID_PATTERN.test(id)) throw notFound(what);
  return id.toLowerCase();
}

export function notFound(what: string) {
  return new AppError("not_found", `No such ${what}.`);
}

/** The row, or 404 when it does not exist or is another business's. */
export function foundOr404<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw notFound(what);
  return row;
}
