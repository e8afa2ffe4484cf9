/**
 * A user's place in a business, for routes behind requireRole(): their own business (its id the
 * user's, as sign-up makes it) with them as `role`, or `role` in another's. A no-op where it exists.
 */
import { businesses, memberships, type Role } from "../../src/db/schema";
import { db } from "./db";
import { call } from "./http";

export async function member(userId: string, role: Role = "owner", businessId = userId) {
  await db.insert(businesses).values({ id: businessId, name: "Bella Hair Studio" }).onConflictDoNothing();
  await db.insert(memberships).values({ businessId, userId, role }).onConflictDoUpdate({ target: [memberships.businessId, memberships.userId], set: { role } });
}

/** Makes `businessId` the session's current business (POST /api/session/business), as the switcher does. */
export async function switchTo(cookie: string, businessId: string) {
  const response = await call("/api/session/business", { method: "POST", cookie, json: { businessId } });
  if (response.status !== 200) throw new Error(`could not switch to business ${businessId}: ${response.status}`);
}
