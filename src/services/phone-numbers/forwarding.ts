/**
 * "Keep your existing number" (docs/architecture.md §12 wave 3): the owner forwards their own
 * line to one of our numbers and asks us to watch for a test call. The next call from `from` to
 * that number within FORWARDING_TEST_MINUTES marks the number's forwarding verified. The check
 * rides on the status-update statement every call already makes (services/calls/live.ts), so
 * assistant-request, the hot path, gains nothing.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { phoneNumbers } from "../../db/schema";
import { foundOr404 } from "../../db/scope";

export const FORWARDING_TEST_MINUTES = 10;

/** Starts (or restarts) the watch for a test call; another business's number is a 404. */
export async function startForwardingTest(db: Database, tenantId: string, numberId: string, from: string) {
  const [row] = await db
    .update(phoneNumbers)
    .set({ forwardingTestFrom: from, forwardingTestUntil: sql`now() + make_interval(mins => ${FORWARDING_TEST_MINUTES})`, updatedAt: sql`now()` })
    .where(and(eq(phoneNumbers.businessId, tenantId), eq(phoneNumbers.id, numberId)))
    .returning({ id: phoneNumbers.id, until: phoneNumbers.forwardingTestUntil });
  const found = foundOr404(row, "phone number");
  return { numberId: found.id, watchingUntil: found.until?.toISOString() ?? null };
}

/** As GET /api/phone-numbers shows it: verified once a test call came through, and whether one is awaited. */
export function forwardingJson(row: Pick<typeof phoneNumbers.$inferSelect, "forwardingVerifiedAt" | "forwardingTestUntil" | "forwardingTestFrom">, now = new Date()) {
  const waiting = row.forwardingTestFrom && row.forwardingTestUntil && row.forwardingTestUntil > now;
  return {
    verified: row.forwardingVerifiedAt !== null,
    at: row.forwardingVerifiedAt?.toISOString() ?? null,
    testing: waiting ? { from: row.forwardingTestFrom, until: row.forwardingTestUntil?.toISOString() ?? null } : null,
  };
}
