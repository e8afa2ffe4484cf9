/**
 * Accounts: sign-up, sign-in, password change and reset, and the user as the API shows it.
 * Handlers stay thin; the rules (normalisation, timing, revocation) live here.
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { googleConnections, passwordResetTokens, users } from "../../db/schema";
import { generateToken, hashToken } from "../../lib/tokens";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "./passwords";
import type { User } from "./sessions";

export const RESET_TOKEN_TTL_MS = 30 * 60 * 1000;

type GoogleConnection = Pick<typeof googleConnections.$inferSelect, "googleEmail" | "status" | "spreadsheetId"> | null;

/** The user as GET /api/me shows it (DESIGN §12). */
export function userJson(user: User, google: GoogleConnection = null) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    phone: user.phone,
    timezone: user.timezone,
    credits: user.creditBalance,
    lowCreditThreshold: user.lowCreditThreshold,
    createdAt: user.createdAt.toISOString(),
    google: {
      connected: google !== null,
      email: google?.googleEmail ?? null,
      status: google?.status ?? null,
      spreadsheetUrl: google?.spreadsheetId ? `https://docs.google.com/spreadsheets/d/${google.spreadsheetId}/edit` : null,
    },
  };
}

export async function loadUserWithGoogle(db: Database, userId: string) {
  const [row] = await db
    .select({ user: users, google: { googleEmail: googleConnections.googleEmail, status: googleConnections.status, spreadsheetId: googleConnections.spreadsheetId } })
    .from(users)
    .leftJoin(googleConnections, eq(googleConnections.userId, users.id))
    .where(eq(users.id, userId))
    .limit(1);
  return row ?? null;
}

/** Creates the account, or returns null when the email is taken. */
export async function createAccount(
  db: Database,
  input: { email: string; password: string; name?: string | null; timezone?: string; lowCreditThreshold: number },
) {
  const passwordHash = await hashPassword(input.password);
  const [user] = await db
    .insert(users)
    .values({
      email: input.email,
      passwordHash,
      name: input.name ?? null,
      timezone: input.timezone ?? "UTC",
      lowCreditThreshold: input.lowCreditThreshold,
    })
    .onConflictDoNothing({ target: users.email })
    .returning();
  return user ?? null;
}

/**
 * The user whose email and password match, or null. Takes the same work whether or not the
 * email exists, and upgrades a hash made with weaker parameters.
 */
export async function authenticate(db: Database, email: string, password: string) {
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
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
 * (DESIGN §13): a link mailed before the change must not undo it.
 */
export async function changePassword(db: Database, userId: string, newPassword: string) {
  const passwordHash = await hashPassword(newPassword);
  await db.execute(sql`
    with spent as (
      update ${passwordResetTokens} set used_at = now() where user_id = ${userId}::uuid and used_at is null
    )
    update ${users} set password_hash = ${passwordHash}, updated_at = now() where id = ${userId}::uuid`);
}

/** The live (unused, unexpired) reset token, or null; no password work is done here. */
export async function findResetToken(db: Database, token: string) {
  const [row] = await db
    .select({ userId: passwordResetTokens.userId })
    .from(passwordResetTokens)
    .where(and(eq(passwordResetTokens.id, hashToken(token)), isNull(passwordResetTokens.usedAt), gt(passwordResetTokens.expiresAt, sql`now()`)))
    .limit(1);
  return row ?? null;
}

/** A reset token for the account with this email (null when there is none); only its hash is kept. */
export async function createPasswordResetToken(db: Database, email: string, now = new Date()) {
  const [user] = await db.select().from(users).where(eq(users.email, email)).limit(1);
  if (!user) return null;
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + RESET_TOKEN_TTL_MS);
  await db.insert(passwordResetTokens).values({ id: hashToken(token), userId: user.id, expiresAt, createdAt: now });
  return { user, token, expiresAt };
}

/**
 * Uses a reset token: in one statement, the token (and every other open token of the user)
 * is spent, the password set and every session revoked. The user's id and e-mail, or null when
 * the token is unknown, used or expired. Call `findResetToken` first: this hashes the password
 * whatever the token.
 */
export async function resetPasswordWithToken(db: Database, token: string, newPassword: string) {
  const passwordHash = await hashPassword(newPassword);
  const result = await db.execute<{ user_id: string; email: string }>(sql`
    with consumed as (
      update ${passwordResetTokens} set used_at = now()
      where id = ${hashToken(token)} and used_at is null and expires_at > now()
      returning user_id
    ), others as (
      update ${passwordResetTokens} set used_at = now()
      where user_id in (select user_id from consumed) and used_at is null and id <> ${hashToken(token)}
    ), updated as (
      update ${users} set password_hash = ${passwordHash}, updated_at = now()
      where id in (select user_id from consumed)
      returning id, email
    ), revoked as (
      delete from sessions where user_id in (select id from updated)
    )
    select id as user_id, email from updated`);
  const row = result.rows[0];
  return row ? { id: row.user_id, email: row.email } : null;
}
