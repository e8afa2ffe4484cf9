/**
 * Invitations (docs/architecture.md §7c): an owner invites by e-mail; the link's token is single
 * use, lives 7 days and only its SHA-256 is stored; inviting the same e-mail again replaces the
 * pending invitation (the old link dies). Accepting signs the invitee up (a new e-mail, no
 * business of their own) or in (a known e-mail with that account's password, judged as a login
 * is, or already signed in as that person), makes them a member with the invited role and puts
 * the session in that business. Each change and its audit entry are one statement.
 */
import { and, eq, gt, isNull, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { businesses, invitations, type Role, users } from "../../db/schema";
import { AppError } from "../../errors";
import { passwordSchema } from "../../lib/schemas";
import { generateToken, hashToken } from "../../lib/tokens";
import type { Services } from "../create-services";
import { type Client, checkCredentials, newDeviceToken } from "../identity";
import { createSession, type User, validateSessionToken } from "../identity/sessions";
import { findUserByEmail, insertUser } from "../identity/users";
import { enforce } from "../rate-limit";
import { auditInsert } from "./audit";
import { membershipIn } from "./business";

export const INVITATION_TTL_DAYS = 7;
/** Pending (unexpired) invitations one business may have at once: a team, not a mailing list. */
export const MAX_PENDING_INVITATIONS = 25;

const HOUR = 60 * 60;
export const invitationLimits = {
  /** Each invitation is an e-mail we send to an address the owner typed. */
  invitesPerBusiness: (businessId: string) => ({ key: `invite:business:${businessId}`, limit: 30, windowSeconds: HOUR }),
  acceptPerIp: (ip: string) => ({ key: `invite-accept:ip:${ip}`, limit: 20, windowSeconds: HOUR }),
  lookupPerIp: (ip: string) => ({ key: `invite-lookup:ip:${ip}`, limit: 60, windowSeconds: HOUR }),
};

export interface InvitationJson {
  id: string;
  email: string;
  role: Role;
  expiresAt: string;
}

const invalidToken = () => new AppError("invalid_token", "This invitation link is invalid, used, revoked or expired. Ask the owner for a new one.");

const pendingByToken = (tokenHash: string): SQL =>
  and(eq(invitations.tokenHash, tokenHash), isNull(invitations.acceptedAt), gt(invitations.expiresAt, sql`now()`)) as SQL;

/**
 * Invites `email` as `role` and queues the e-mail. 409 for someone already a member, 409 when
 * the business has MAX_PENDING_INVITATIONS pending (a soft cap: two invitations at the same
 * instant may both pass it); 429 past the hourly limit.
 */
export async function inviteMember(
  deps: Pick<Services, "db" | "config" | "env">,
  actor: { businessId: string; userId: string },
  input: { email: string; role: Role },
): Promise<InvitationJson> {
  const { db } = deps;
  await enforce(db, invitationLimits.invitesPerBusiness(actor.businessId));
  const token = generateToken();
  const tokenHash = hashToken(token);
  const audit = auditInsert(
    { businessId: actor.businessId, userId: actor.userId, action: "member.invited", target: { type: "invitation", id: sql`(select id::text from saved)` }, detail: { email: input.email, role: input.role } },
    sql`exists (select 1 from saved)`,
  );
  const result = await db.execute<{ member: number; pending: number; id: string | null; expires_at: string | null }>(sql`
    with member as (
      select 1 from memberships m join ${users} u on u.id = m.user_id where m.business_id = ${actor.businessId}::uuid and u.email = ${input.email}
    ), pending as (
      select count(*)::int as n from ${invitations}
      where business_id = ${actor.businessId}::uuid and accepted_at is null and expires_at > now() and email <> ${input.email}
    ), saved as (
      insert into ${invitations} (business_id, email, role, token_hash, invited_by, expires_at)
      select ${actor.businessId}::uuid, ${input.email}, ${input.role}, ${tokenHash}, ${actor.userId}::uuid, now() + make_interval(days => ${INVITATION_TTL_DAYS})
      where not exists (select 1 from member) and (select n from pending) < ${MAX_PENDING_INVITATIONS}
      on conflict (business_id, email) where accepted_at is null do update set
        role = excluded.role, token_hash = excluded.token_hash, invited_by = excluded.invited_by,
        expires_at = excluded.expires_at, created_at = now()
      returning id, expires_at
    ), audited as (${audit})
    select (select count(*) from member)::int as member, (select n from pending) as pending, saved.id, saved.expires_at::text as expires_at
    from (select 1) as one left join saved on true`);
  const row = result.rows[0];
  if (row && Number(row.member) > 0) throw new AppError("conflict", `${input.email} is already a member of this business. Change their role on the Members page instead.`);
  if (!row?.id || !row.expires_at) {
    throw new AppError("conflict", `This business already has ${MAX_PENDING_INVITATIONS} pending invitations. Revoke some, or wait for them to be accepted or to expire.`);
  }
  await deps.env.SIDE_EFFECTS.send({
    type: "email.invitation",
    idempotencyKey: `invitation:${tokenHash}`,
    invitationId: row.id,
    to: input.email,
    acceptUrl: `${deps.config.APP_URL}/invite?token=${encodeURIComponent(token)}`,
  });
  return { id: row.id, email: input.email, role: input.role, expiresAt: new Date(row.expires_at).toISOString() };
}

/** Revokes a pending invitation of this business (its link stops working); 404 for any other id. */
export async function revokeInvitation(db: Database, actor: { businessId: string; userId: string }, invitationId: string) {
  const audit = auditInsert(
    {
      businessId: actor.businessId,
      userId: actor.userId,
      action: "member.invitation_revoked",
      target: { type: "invitation", id: invitationId },
      detail: sql`(select jsonb_build_object('email', email, 'role', role) from revoked)`,
    },
    sql`exists (select 1 from revoked)`,
  );
  const result = await db.execute<{ id: string }>(sql`
    with revoked as (
      delete from ${invitations} where id = ${invitationId}::uuid and business_id = ${actor.businessId}::uuid and accepted_at is null returning id, email, role
    ), audited as (${audit})
    select id from revoked`);
  if (!result.rows.length) throw new AppError("not_found", "No such invitation.");
}

/** What the accept page shows before anyone signs in: which business, as what, and whether the e-mail has an account. */
export async function lookUpInvitation(db: Database, token: string, client: Pick<Client, "ip">) {
  await enforce(db, invitationLimits.lookupPerIp(client.ip));
  const invitation = await findPending(db, hashToken(token));
  if (!invitation) throw invalidToken();
  return {
    email: invitation.email,
    role: invitation.role,
    expiresAt: invitation.expiresAt.toISOString(),
    business: { name: invitation.businessName },
    invitedBy: invitation.inviterName ?? invitation.inviterEmail,
    accountExists: (await findUserByEmail(db, invitation.email)) !== null,
  };
}

async function findPending(db: Database, tokenHash: string) {
  const [row] = await db
    .select({
      id: invitations.id,
      businessId: invitations.businessId,
      email: invitations.email,
      role: invitations.role,
      expiresAt: invitations.expiresAt,
      businessName: businesses.name,
      inviterName: users.name,
      inviterEmail: users.email,
    })
    .from(invitations)
    .innerJoin(businesses, and(eq(businesses.id, invitations.businessId), isNull(businesses.deletedAt)))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(pendingByToken(tokenHash))
    .limit(1);
  return row ?? null;
}

type AcceptDeps = Pick<Services, "db" | "config" | "logger">;

/**
 * Accepts the invitation the token names. The person: the session's user when the session is
 * the invitee's; else the account with the invited e-mail, proved by its password (the login's
 * limits and device-cookie rules); else a new account (the sign-up's password rule), without a
 * business of its own. Then, in one statement: the invitation spent, the membership made (the
 * primary key keeps a second accept from making another), the session moved to that business
 * and the audit entry written. A new session is made unless the person was already signed in.
 */
export async function acceptInvitation(
  deps: AcceptDeps,
  input: { token: string; password?: string; name?: string },
  client: Client & { sessionToken?: string },
) {
  const { db } = deps;
  await enforce(db, invitationLimits.acceptPerIp(client.ip));
  const tokenHash = hashToken(input.token);
  const invitation = await findPending(db, tokenHash);
  if (!invitation) throw invalidToken();

  const signedIn = client.sessionToken ? await validateSessionToken(db, client.sessionToken) : null;
  let person: { user: User; device: Awaited<ReturnType<typeof newDeviceToken>>; sessionId?: string };
  if (signedIn && signedIn.user.email === invitation.email) {
    person = { user: signedIn.user, device: null, sessionId: signedIn.session.id };
  } else if (await findUserByEmail(db, invitation.email)) {
    if (!input.password) throw passwordRequired("is required: enter the password of your Agentline account to accept");
    person = await checkCredentials(deps, { email: invitation.email, password: input.password }, client);
  } else {
    if (!input.password) throw passwordRequired("is required: choose a password for your new account");
    const rule = passwordSchema.safeParse(input.password);
    if (!rule.success) throw passwordRequired(rule.error.issues[0]?.message ?? "is not a password we accept");
    const user = await insertUser(db, { email: invitation.email, password: input.password, name: input.name ?? null, lowCreditThreshold: deps.config.LOW_CREDIT_THRESHOLD_DEFAULT, ownBusiness: false });
    if (!user) throw new AppError("conflict", "An account with this e-mail was created a moment ago. Sign in with it to accept the invitation.");
    person = { user, device: await newDeviceToken(deps.config, user) };
  }

  const accepted = await spend(db, { invitationId: invitation.id, businessId: invitation.businessId, tokenHash, userId: person.user.id, sessionId: person.sessionId });
  if (!accepted) throw invalidToken();
  const [session, current] = await Promise.all([
    person.sessionId ? null : createSession(db, person.user.id, { ...client, businessId: invitation.businessId }),
    membershipIn(db, person.user.id, invitation.businessId),
  ]);
  return { user: person.user, device: person.device, current, session };
}

function passwordRequired(message: string) {
  return new AppError("validation_failed", `password: ${message}`, [{ path: "password", message }]);
}

/** The accept itself, one statement; false when the token was spent, revoked or expired meanwhile. */
async function spend(db: Database, to: { invitationId: string; businessId: string; tokenHash: string; userId: string; sessionId?: string }) {
  const audit = auditInsert(
    {
      businessId: to.businessId,
      userId: to.userId,
      action: "member.joined",
      target: { type: "member", id: to.userId },
      detail: sql`(select jsonb_build_object('email', email, 'role', role) from accepted)`,
    },
    sql`exists (select 1 from joined)`,
  );
  const result = await db.execute<{ id: string }>(sql`
    with accepted as (
      update ${invitations} set accepted_at = now(), accepted_by = ${to.userId}::uuid
      where id = ${to.invitationId}::uuid and business_id = ${to.businessId}::uuid and token_hash = ${to.tokenHash}
        and accepted_at is null and expires_at > now()
      returning id, business_id, email, role
    ), joined as (
      insert into memberships (business_id, user_id, role)
      select business_id, ${to.userId}::uuid, role from accepted
      on conflict (business_id, user_id) do nothing
      returning business_id
    ), moved as (
      update sessions set business_id = ${to.businessId}::uuid
      where id = ${to.sessionId ?? ""} and exists (select 1 from accepted)
    ), audited as (${audit})
    select id from accepted`);
  return result.rows.length > 0;
}
