/**
 * Sessions as the Lucia guide describes them: the cookie holds a random token, the database
 * only its SHA-256; 7 days of life, extended when a session is used in its second half;
 * an expired session is deleted when it is presented.
 */
import { and, asc, eq, isNull, ne, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { businesses, memberships, type Role, sessions, users } from "../../db/schema";
import { generateToken, hashToken } from "../../lib/tokens";
import type { Business } from "../businesses/business";

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export type User = typeof users.$inferSelect;
export type Session = typeof sessions.$inferSelect;

/** The business a request works in and the person's role there (docs/architecture.md §7c). */
export type { Role };

export interface Membership {
  businessId: string;
  role: Role;
  business: Business;
}

export interface SessionHints {
  userAgent?: string | null;
  ip?: string | null;
}

/** `businessId`: the business the session starts in (an accepted invitation's), else the person's first. */
export async function createSession(db: Database, userId: string, hints: SessionHints & { businessId?: string } = {}, now = new Date()) {
  const token = generateToken();
  const [session] = await db
    .insert(sessions)
    .values({
      id: hashToken(token),
      userId,
      businessId: hints.businessId ?? null,
      expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
      createdAt: now,
      lastSeenAt: now,
      userAgent: hints.userAgent?.slice(0, 256) ?? null,
      ip: hints.ip ?? null,
    })
    .returning();
  return { token, session: session as Session };
}

/** The session and its user for a cookie token, or null; expires and extends as a side effect. */
export async function validateSessionToken(db: Database, token: string, now = new Date()) {
  const id = hashToken(token);
  // The session's chosen business while the person is still a member of it, else their first,
  // with the business's row: one round trip, whatever the person belongs to.
  const current = db
    .select({ businessId: memberships.businessId, role: memberships.role })
    .from(memberships)
    .innerJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(and(eq(memberships.userId, sessions.userId), isNull(businesses.deletedAt)))
    .orderBy(sql`${memberships.businessId} is not distinct from ${sessions.businessId} desc`, asc(memberships.createdAt), asc(memberships.businessId))
    .limit(1)
    .as("current_membership");
  const [found] = await db
    .select({ session: sessions, user: users, role: current.role, business: businesses })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .leftJoinLateral(current, sql`true`)
    .leftJoin(businesses, eq(businesses.id, current.businessId))
    .where(eq(sessions.id, id))
    .limit(1);
  const membership: Membership | null = found?.business && found.role ? { businessId: found.business.id, role: found.role, business: found.business } : null;
  const row = found && { session: found.session, user: found.user, membership };
  if (!row) return null;
  if (row.session.expiresAt.getTime() <= now.getTime()) {
    await db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  if (row.session.expiresAt.getTime() - now.getTime() < SESSION_TTL_MS / 2) {
    const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
    await db.update(sessions).set({ expiresAt, lastSeenAt: now }).where(eq(sessions.id, id));
    row.session.expiresAt = expiresAt;
    row.session.lastSeenAt = now;
    return { ...row, extended: true };
  }
  return { ...row, extended: false };
}

export async function invalidateSession(db: Database, sessionId: string) {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Revokes every session of a user, or every one but `exceptSessionId`. */
export async function invalidateUserSessions(db: Database, userId: string, exceptSessionId?: string) {
  await db
    .delete(sessions)
    .where(exceptSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, exceptSessionId)) : eq(sessions.userId, userId));
}
