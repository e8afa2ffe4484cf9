/**
 * A user's place in a business, for routes behind requireRole(): their own business (its id the
 * user's, as sign-up makes it) with them as `role`, or `role` in another's. A no-op where it exists.
 */
import { businesses, memberships, type Role } from "../../src/db/schema";
import { db } from "./db";

export async function member(userId: string, role: Role = "owner", businessId = userId) {
  await db.insert(businesses).values({ id: businessId, name: "Bella Hair Studio" }).onConflictDoNothing();
  await db.insert(memberships).values({ businessId, userId, role }).onConflictDoUpdate({ target: [memberships.businessId, memberships.userId], set: { role } });
}
