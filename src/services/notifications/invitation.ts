/**
 * The invitation e-mail's content, read when it is sent: the business's name and the inviter as
 * they are now. An invitation revoked, replaced by a newer one, accepted or expired before the
 * queue got to it is not sent (its link would only answer "invalid").
 */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { businesses, invitations, users } from "../../db/schema";
import { invitationEmail } from "../../integrations/email/invitation";
import { hashToken } from "../../lib/tokens";
import type { EmailMessage } from "../../side-effects/messages";
import type { Notice, NotificationDeps } from "./deliver";

export async function invitationNotice(deps: NotificationDeps, message: Extract<EmailMessage, { type: "email.invitation" }>): Promise<Notice> {
  const token = new URL(message.acceptUrl).searchParams.get("token") ?? "";
  const [row] = await deps.db
    .select({ email: invitations.email, role: invitations.role, expiresAt: invitations.expiresAt, businessName: businesses.name, inviterName: users.name, inviterEmail: users.email })
    .from(invitations)
    .innerJoin(businesses, eq(businesses.id, invitations.businessId))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(and(eq(invitations.id, message.invitationId), eq(invitations.tokenHash, hashToken(token)), isNull(invitations.acceptedAt), gt(invitations.expiresAt, sql`now()`)));
  if (!row) {
    deps.logger.info("invitation e-mail for an invitation no longer pending; skipped", { invitationId: message.invitationId });
    return null;
  }
  return {
    to: row.email,
    email: invitationEmail({
      businessName: row.businessName,
      inviterName: row.inviterName,
      inviterEmail: row.inviterEmail,
      role: row.role,
      acceptUrl: message.acceptUrl,
      expiresAt: row.expiresAt.toISOString(),
    }),
  };
}
