/**
 * Seeds rows the way the product would, with unique values so test files never collide in
 * the shared test database. Each factory returns what a test needs to act as that user.
 */
import type { users } from "../../src/db/schema";
import { users as usersTable } from "../../src/db/schema";
import { SESSION_COOKIE } from "../../src/middleware/session-cookie";
import { createSession } from "../../src/services/identity/sessions";
import { db } from "./db";

let counter = 0;

export function uniqueEmail(prefix = "owner") {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

/** A user with a live session; `passwordHash` defaults to one no password matches. */
export async function createUser(overrides: Partial<typeof users.$inferInsert> = {}) {
  const [user] = await db
    .insert(usersTable)
    .values({ email: uniqueEmail(), passwordHash: "none$unusable", timezone: "America/New_York", ...overrides })
    .returning();
  if (!user) throw new Error("user insert returned nothing");
  const { token, session } = await createSession(db, user.id, { userAgent: "vitest" });
  return { user, session, token, cookie: `${SESSION_COOKIE}=${token}` };
}

/**
 * A user who has completed a purchase (so may buy numbers and be forwarded to), holding `credits`
 * afterwards: a purchase of max(credits, 1) through their CreditAccount, the excess spent again.
 */
export async function createPayingUser(overrides: Partial<typeof users.$inferInsert> = {}, credits = 100) {
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
export async function createUserWithCredits(credits: number, overrides: Partial<typeof users.$inferInsert> = {}) {
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
