/**
 * The users table as identity needs it: a new person, their password checked or set. The steps
 * around these (rate limits, sessions, device tokens) are identity/index.ts.
 */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { businesses, memberships, passwordResetTokens, users } from "../../db/schema";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "./passwords";
import type { User } from "./sessions";

/**
 * Inserts the user with a business of their own that they own (unless `ownBusiness` is false: a
 * person joining through an invitation), in one transaction, or returns null when the email is
 * taken (and then creates nothing).
 */
export async function insertUser(
  db: Database,
  input: { email: string; password: string; name?: string | null; businessName?: string | null; timezone?: string; lowCreditThreshold: number; ownBusiness?: boolean },
) {
  const passwordHash = await hashPassword(input.password);
  const userId = crypto.randomUUID();
  const businessId = crypto.randomUUID();
  const makeBusiness = input.ownBusiness !== false;
  const timezone = input.timezone ?? "UTC";
  const businessName = input.businessName?.trim() || input.name?.trim() || input.email.split("@")[0] || input.email;
  const [inserted] = await db.batch([
    db
      .insert(users)
      .values({ id: userId, email: input.email, passwordHash, name: input.name ?? null, timezone })
      .onConflictDoNothing({ target: users.email })
      .returning(),
    db.execute(sql`
      insert into ${businesses} (id, name, timezone, low_credit_threshold)
      select ${businessId}::uuid, ${businessName}, ${timezone}, ${input.lowCreditThreshold}
      where ${makeBusiness} and exists (select 1 from ${users} where id = ${userId}::uuid)`),
    db.execute(sql`
      insert into ${memberships} (business_id, user_id, role)
      select ${businessId}::uuid, ${userId}::uuid, 'owner'
      where ${makeBusiness} and exists (select 1 from ${users} where id = ${userId}::uuid)`),
  ]);
  return inserted[0] ?? null;
}

/**
 * The user with this e-mail, or null. A login reads it before it is judged: a device cookie is
 * checked against the account's current password hash (ADR 0010).
 */
export async function findUserByEmail(db: Database, email: string) {
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  return user ?? null;
}

/**
 * The user when the password is theirs, or null. Takes the same work whether or not there is a
 * user (null: an unknown e-mail), and upgrades a hash made with weaker parameters.
 */
export async function verifyCredentials(db: Database, user: User | null, password: string) {
  if (!user) return verifyAgainstDummy(password).then(() => null);
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  if (needsRehash(user.passwordHash)) {
    const passwordHash = await hashPassword(password);
    await db.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
    user.passwordHash = passwordHash;
  }
  return user;
}

/**
 * Sets a new password and, in the same statement, spends every open reset token of the user
 * (docs/architecture.md §13): a link mailed before the change must not undo it.
 */
/** Returns the new hash (the device cookie of the browser that set it is signed over it). */
export async function setPassword(db: Database, userId: string, newPassword: string): Promise<string> {
  const passwordHash = await hashPassword(newPassword);
  await db.execute(sql`
    with spent as (
      update ${passwordResetTokens} set used_at = now() where user_id = ${userId}::uuid and used_at is null
    )
    update ${users} set password_hash = ${passwordHash}, updated_at = now() where id = ${userId}::uuid`);
  return passwordHash;
}
