/**
 * `GET /api/calls?q=`: the owner types a caller's name, part of a number or words of a summary.
 * Bounded: only the tenant's newest SEARCH_WINDOW calls are searched (read newest first on the
 * (tenant, created_at) index), so a search costs the same for a business with a million calls;
 * a number is matched on its digits, "(512) 555-01" finding +15125550147. No trigram index: the
 * window keeps the scan small, and pg_trgm is one more extension to keep in step everywhere
 * (ADR 0710).
 */
import { type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { calls } from "../../db/schema";
import { STRUCTURED_DATA_KEYS } from "../../integrations/vapi/structured-data";

export const SEARCH_WINDOW = 2000;

/** LIKE's own characters taken literally. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function matchingCalls(tenantId: string, q: string): SQL {
  const words = `%${escapeLike(q.trim())}%`;
  const digits = q.replace(/\D/g, "");
  const byNumber = digits.length >= 3 ? sql` or ${calls.customerNumber} like ${`%${digits}%`}` : sql``;
  const w = alias(calls, "w");
  return sql`(${calls.id} in (select ${w.id} from ${calls} ${w} where ${w.businessId} = ${tenantId}::uuid order by ${w.createdAt} desc limit ${SEARCH_WINDOW})
    and (${calls.structuredData} ->> ${STRUCTURED_DATA_KEYS.callerName} ilike ${words} or ${calls.summary} ilike ${words}${byNumber}))`;
}
