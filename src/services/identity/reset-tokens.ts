/**
 * Password reset links (docs/architecture.md §13): single use, 30 minutes, only the token's hash stored. The
 * steps that mail and confirm them, with their rate limits, are identity/index.ts.
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { passwordResetTokens, users } from "../../db/schema";
import { generateToken, hashToken } from "../../lib/tokens";
import { hashPassword } from "./passwords";

export const RESET_TOKEN_TTL_MS = 30 * 60 * 1000;

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
  return row ? { id: row.user_id, email: row.email, passwordHash } : null;
}
