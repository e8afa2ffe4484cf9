/**
 * Businesses in tests (docs/architecture.md §7c): an owner signed up through the API (so the
 * business, the membership and the session are what sign-up makes), its business id, and more
 * members added to it.
 */
import { and, eq } from "drizzle-orm";
import { memberships, type Role } from "../../src/db/schema";
import { signUp } from "./accounts";
import { db } from "./db";

export async function businessIdOf(userId: string): Promise<string> {
  const [row] = await db.select({ businessId: memberships.businessId }).from(memberships).where(and(eq(memberships.userId, userId), eq(memberships.role, "owner")));
  if (!row) throw new Error(`user ${userId} owns no business`);
  return row.businessId;
}

/** A signed-up owner and their business (named `businessName`). */
export async function ownerWithBusiness(businessName = `Bella Hair Studio ${crypto.randomUUID().slice(0, 8)}`) {
  const owner = await signUp({ businessName });
  return { ...owner, businessId: await businessIdOf(owner.user.id), businessName };
}

/** Another person (signed up with a business of their own) who is also `role` in `businessId`. */
export async function memberOf(businessId: string, role: Role) {
  const person = await ownerWithBusiness();
  await db.insert(memberships).values({ businessId, userId: person.user.id, role });
  return person;
}

/** A person whose only business is `businessId` (their own one, from sign-up, is left). */
export async function onlyMemberOf(businessId: string, role: Role) {
  const person = await ownerWithBusiness();
  await db.delete(memberships).where(eq(memberships.userId, person.user.id));
  await db.insert(memberships).values({ businessId, userId: person.user.id, role });
  return person;
}
