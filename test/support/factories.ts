/**
 * Seeds rows the way the product would, with unique values so test files never collide in
 * the shared test database. Each factory returns what a test needs to act as that user.
 */
import { sql } from "drizzle-orm";
import type { users } from "../../src/db/schema";
import { businesses, memberships, users as usersTable } from "../../src/db/schema";
import { SESSION_COOKIE } from "../../src/middleware/session-cookie";
import { createSession } from "../../src/services/identity/sessions";
import { db } from "./db";

let counter = 0;

export function uniqueEmail(prefix = "owner") {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

type BusinessSeed = Partial<Pick<typeof businesses.$inferInsert, "phone" | "lowCreditThreshold" | "stripeCustomerId" | "allowNegativeBalance" | "name" | "timezone">>;
type UserSeed = Partial<typeof users.$inferInsert> & BusinessSeed;

/**
 * A user with a live session, owner of a business of their own whose id is the user's (as every
 * account migrated to teams has, ADR 0130), so `user.id` names the tenant too; `passwordHash`
 * defaults to one no password matches. Business fields (phone, threshold…) go to the business.
 */
export async function createUser(overrides: UserSeed = {}) {
  const { phone, lowCreditThreshold, stripeCustomerId, allowNegativeBalance, name, ...person } = overrides;
  const [user] = await db
    .insert(usersTable)
    .values({ email: uniqueEmail(), passwordHash: "none$unusable", timezone: "America/New_York", ...(name !== undefined ? { name } : {}), ...person })
    .returning();
  if (!user) throw new Error("user insert returned nothing");
  const [business] = await db
    .insert(businesses)
    .values({
      id: user.id,
      name: name ?? user.email.split("@")[0] ?? "Test business",
      timezone: user.timezone,
      phone: phone ?? null,
      lowCreditThreshold: lowCreditThreshold ?? 10,
      stripeCustomerId: stripeCustomerId ?? null,
      allowNegativeBalance: allowNegativeBalance ?? false,
    })
    .returning();
  if (!business) throw new Error("business insert returned nothing");
  await db.insert(memberships).values({ businessId: business.id, userId: user.id, role: "owner" });
  const { token, session } = await createSession(db, user.id, { userAgent: "vitest" });
  return {
    user: { ...user, phone: business.phone, lowCreditThreshold: business.lowCreditThreshold, stripeCustomerId: business.stripeCustomerId, creditBalance: business.creditBalance },
    business,
    session,
    token,
    cookie: `${SESSION_COOKIE}=${token}`,
  };
}

/** Another person joining `businessId` as `role`, with a live session there. */
export async function createMember(businessId: string, role: "owner" | "admin" | "staff", overrides: Partial<typeof users.$inferInsert> = {}) {
  const [user] = await db.insert(usersTable).values({ email: uniqueEmail(role), passwordHash: "none$unusable", timezone: "America/New_York", ...overrides }).returning();
  if (!user) throw new Error("user insert returned nothing");
  await db.insert(memberships).values({ businessId, userId: user.id, role });
  const { token, session } = await createSession(db, user.id, { userAgent: "vitest" });
  await db.execute(sql`update sessions set business_id = ${businessId}::uuid where id = ${session.id}`);
  return { user, session, token, cookie: `${SESSION_COOKIE}=${token}` };
}

/**
 * A user who has completed a purchase (so may buy numbers and be forwarded to), holding `credits`
 * afterwards: a purchase of max(credits, 1) through their CreditAccount, the excess spent again.
 */
export async function createPayingUser(overrides: UserSeed = {}, credits = 100) {
  const created = await createUser(overrides);
  const { recordPurchase } = await import("./credits");
  const bought = Math.max(credits, 1);
  await recordPurchase(created.user.id, bought, bought - credits);
  return { ...created, user: { ...created.user, creditBalance: credits } };
}

/**
 * A user holding `credits`, granted through their CreditAccount (an adjustment) so the ledger
 * stays exact: never seed `creditBalance` directly, or db:check-ledger fails after the suite.
 */
export async function createUserWithCredits(credits: number, overrides: UserSeed = {}) {
  const created = await createUser(overrides);
  if (credits > 0) {
    const { creditAccount } = await import("../../src/services/credits");
    const { testEnv } = await import("./env");
    const result = await creditAccount(testEnv, created.user.id).credit({
      amount: credits,
      kind: "adjustment",
      idempotencyKey: `test-grant:${created.user.id}`,
      description: "test grant",
    });
    if (!result.ok) throw new Error(`could not grant ${credits} credits`);
  }
  return { ...created, user: { ...created.user, creditBalance: credits } };
}
