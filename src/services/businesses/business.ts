/**
 * The business, the tenant (docs/architecture.md §3 tenancy, §7c): what `GET/PATCH /api/business`
 * and `/api/me` show of it, the businesses a person belongs to, and the session's switch between
 * them. Members and invitations are their own modules beside this one.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { businesses, memberships, type Role, sessions } from "../../db/schema";
import { notFound } from "../../db/scope";
import { autoTopUpMonth, autoTopUpSettings } from "../billing/auto-top-up-view";

export type Business = typeof businesses.$inferSelect;

/** The business as `GET /api/business` shows it (docs/architecture.md §12). */
export function businessJson(business: Business) {
  return {
    id: business.id,
    name: business.name,
    timezone: business.timezone,
    phone: business.phone,
    retentionDays: business.retentionDays,
    lowCreditThreshold: business.lowCreditThreshold,
    autoTopUp: autoTopUpSettings(business),
    createdAt: business.createdAt.toISOString(),
  };
}

/** The business as `GET/PATCH /api/business` show it: with what auto top-up charged this month (one more query). */
export async function businessWithMonth(db: Database, business: Business) {
  const json = businessJson(business);
  return { ...json, autoTopUp: { ...json.autoTopUp, thisMonth: await autoTopUpMonth(db, business) } };
}

export async function loadBusiness(db: Database, businessId: string): Promise<Business | null> {
  const [row] = await db.select().from(businesses).where(and(eq(businesses.id, businessId), isNull(businesses.deletedAt))).limit(1);
  return row ?? null;
}

/** Every live business the person belongs to, oldest membership first (the switcher's list). */
export async function businessesOf(db: Database, userId: string): Promise<{ id: string; name: string; role: Role }[]> {
  return db
    .select({ id: businesses.id, name: businesses.name, role: memberships.role })
    .from(memberships)
    .innerJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(and(eq(memberships.userId, userId), isNull(businesses.deletedAt)))
    .orderBy(asc(memberships.createdAt), asc(memberships.businessId));
}

/**
 * Makes `businessId` the session's current business, in one statement that only writes when the
 * person is a member of it: anyone else's (or a deleted) business is 404, as DESIGN §12 says.
 */
export async function switchBusiness(db: Database, session: { id: string; userId: string }, businessId: string): Promise<{ business: Business; role: Role }> {
  const result = await db.execute(sql`
    update ${sessions} set business_id = ${businessId}::uuid
    where id = ${session.id}
      and exists (select 1 from ${memberships} m join ${businesses} b on b.id = m.business_id
                  where m.user_id = ${session.userId}::uuid and m.business_id = ${businessId}::uuid and b.deleted_at is null)
    returning id`);
  if (result.rows.length === 0) throw notFound("business");
  const current = await membershipIn(db, session.userId, businessId);
  if (!current) throw notFound("business");
  return current;
}

/** The person's role in a live business, with its row; null when they are not a member. */
export async function membershipIn(db: Database, userId: string, businessId: string): Promise<{ business: Business; role: Role } | null> {
  const [row] = await db
    .select({ business: businesses, role: memberships.role })
    .from(memberships)
    .innerJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(and(eq(memberships.userId, userId), eq(memberships.businessId, businessId), isNull(businesses.deletedAt)))
    .limit(1);
  return row ?? null;
}

/** The business a new session of the person starts in (their first), with their role there. */
export async function firstBusinessOf(db: Database, userId: string): Promise<{ business: Business; role: Role } | null> {
  const [row] = await db
    .select({ business: businesses, role: memberships.role })
    .from(memberships)
    .innerJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(and(eq(memberships.userId, userId), isNull(businesses.deletedAt)))
    .orderBy(asc(memberships.createdAt), asc(memberships.businessId))
    .limit(1);
  return row ?? null;
}

/**
 * A new business with the person as its owner, made the session's current one: one transaction,
 * so there is never a business without its owner.
 */
export async function createBusiness(db: Database, owner: { id: string }, input: { name: string; timezone: string }, sessionId: string): Promise<Business> {
  const id = crypto.randomUUID();
  const [created] = await db.batch([
    db.insert(businesses).values({ id, name: input.name, timezone: input.timezone }).returning(),
    db.insert(memberships).values({ businessId: id, userId: owner.id, role: "owner" }),
    db.update(sessions).set({ businessId: id }).where(eq(sessions.id, sessionId)),
  ]);
  const business = created[0];
  if (!business) throw new Error("the new business was not returned");
  return business;
}
