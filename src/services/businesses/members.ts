/**
 * A business's members (docs/architecture.md §7c): the list with its pending invitations, a
 * role changed, a member removed or leaving. A business always keeps an owner: the check and
 * the change are one statement that first locks every owner row of the business (`for update`),
 * so two owners demoting or removing each other at once are judged one after the other and the
 * second finds itself the last owner. Each change writes its audit entry in the same statement.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { invitations, memberships, type Role, users } from "../../db/schema";
import { AppError } from "../../errors";
import { auditInsert } from "./audit";
import type { InvitationJson } from "./invitations";

/** The roles a member can have (routes take them from here: routes do not read the schema). */
export { ROLES } from "../../db/schema";

export interface MemberJson {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
}

const lastOwner = () => new AppError("conflict", "A business needs an owner: make someone else an owner first.");
const noSuchMember = () => new AppError("not_found", "No such member.");

/** GET /api/members: the members, oldest first, and the invitations not yet accepted (expired ones too, to resend). */
export async function listMembers(db: Database, businessId: string): Promise<{ members: MemberJson[]; invitations: InvitationJson[] }> {
  const [members, pending] = await db.batch([
    db
      .select({ userId: memberships.userId, email: users.email, name: users.name, role: memberships.role })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(eq(memberships.businessId, businessId))
      .orderBy(asc(memberships.createdAt), asc(memberships.userId)),
    db
      .select({ id: invitations.id, email: invitations.email, role: invitations.role, expiresAt: invitations.expiresAt })
      .from(invitations)
      .where(and(eq(invitations.businessId, businessId), isNull(invitations.acceptedAt)))
      .orderBy(asc(invitations.createdAt), asc(invitations.id)),
  ]);
  return { members, invitations: pending.map((row) => ({ ...row, expiresAt: row.expiresAt.toISOString() })) };
}

/** Every owner row of the business, locked until the statement's transaction ends. */
const lockedOwners = (businessId: string) => sql`select user_id from ${memberships} where business_id = ${businessId}::uuid and role = 'owner' for update`;

/** The member's role becomes `role`; 404 for someone not in this business, 409 for the last owner stepping down. */
export async function changeMemberRole(db: Database, actor: { businessId: string; userId: string }, targetUserId: string, role: Role): Promise<MemberJson> {
  const audit = auditInsert(
    {
      businessId: actor.businessId,
      userId: actor.userId,
      action: "member.role_changed",
      target: { type: "member", id: targetUserId },
      detail: sql`(select jsonb_build_object('email', email, 'from', role, 'to', ${role}::text) from target)`,
    },
    sql`exists (select 1 from changed)`,
  );
  const result = await db.execute<{ role: Role | null; changed: boolean }>(sql`
    with owners as (${lockedOwners(actor.businessId)}),
    target as (
      select m.role, u.email from ${memberships} m join ${users} u on u.id = m.user_id
      where m.business_id = ${actor.businessId}::uuid and m.user_id = ${targetUserId}::uuid
    ), changed as (
      update ${memberships} set role = ${role}, updated_at = now()
      where business_id = ${actor.businessId}::uuid and user_id = ${targetUserId}::uuid and role <> ${role}
        and (${role} = 'owner' or role <> 'owner' or (select count(*) from owners where user_id <> ${targetUserId}::uuid) > 0)
      returning role
    ), audited as (${audit})
    select (select role from target) as role, exists (select 1 from changed) as changed`);
  const row = result.rows[0];
  if (!row?.role) throw noSuchMember();
  const [member] = await db
    .select({ userId: memberships.userId, email: users.email, name: users.name, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.businessId, actor.businessId), eq(memberships.userId, targetUserId)));
  if (!member) throw noSuchMember();
  // Unchanged and not already so (someone else may have made the same change a moment ago): the last owner.
  if (!row.changed && member.role !== role) throw lastOwner();
  return member;
}

/**
 * Removes the member (an owner's act) or lets a member leave (their own); 404 for someone not
 * in this business, 409 for the last owner. Their sessions working in this business let go of
 * it (business_id null), so their next request lands in another business of theirs, or none.
 */
export async function removeMember(db: Database, actor: { businessId: string; userId: string; role: Role }, targetUserId: string) {
  const leaving = targetUserId === actor.userId;
  if (!leaving && actor.role !== "owner") throw new AppError("forbidden", "Only an owner can remove other members; you can leave the business yourself.");
  const audit = auditInsert(
    {
      businessId: actor.businessId,
      userId: actor.userId,
      action: leaving ? "member.left" : "member.removed",
      target: { type: "member", id: targetUserId },
      detail: sql`(select jsonb_build_object('email', email, 'role', role) from target)`,
    },
    sql`exists (select 1 from removed)`,
  );
  const result = await db.execute<{ role: Role | null; removed: boolean }>(sql`
    with owners as (${lockedOwners(actor.businessId)}),
    target as (
      select m.role, u.email from ${memberships} m join ${users} u on u.id = m.user_id
      where m.business_id = ${actor.businessId}::uuid and m.user_id = ${targetUserId}::uuid
    ), removed as (
      delete from ${memberships}
      where business_id = ${actor.businessId}::uuid and user_id = ${targetUserId}::uuid
        and (role <> 'owner' or (select count(*) from owners where user_id <> ${targetUserId}::uuid) > 0)
      returning user_id
    ), released as (
      update sessions set business_id = null
      where user_id = ${targetUserId}::uuid and business_id = ${actor.businessId}::uuid and exists (select 1 from removed)
    ), audited as (${audit})
    select (select role from target) as role, exists (select 1 from removed) as removed`);
  const row = result.rows[0];
  if (!row?.role) throw noSuchMember();
  if (!row.removed) throw lastOwner();
}
