/**
 * `/api/members`, `/api/invitations` and `/api/audit` (docs/architecture.md §7c, §12): the
 * business's people, the invitations that bring more, and the owner's audit list. Owners do
 * everything here; admins may read the members; anyone may leave. Accepting an invitation needs
 * no session (it signs the invitee up or in) and sets the session and device cookies.
 */
import { type Context, Hono } from "hono";
import { assertId } from "../../db/scope";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { ANY_MEMBER, MANAGERS, requireRole, requireUser } from "../../middleware/auth";
import { readDeviceCookie, setDeviceCookie } from "../../middleware/device-cookie";
import { readSessionCookie, setSessionCookie } from "../../middleware/session-cookie";
import { userJson } from "../../services/accounts";
import { listAudit } from "../../services/businesses/audit";
import { acceptInvitation, inviteMember, lookUpInvitation, revokeInvitation } from "../../services/businesses/invitations";
import { changeMemberRole, listMembers, removeMember } from "../../services/businesses/members";
import { clientIp } from "../client-ip";
import { acceptBody, auditQuery, inviteBody, lookupBody, roleBody } from "./schemas";

const actor = (c: Context<HonoEnv>) => ({ businessId: c.var.businessId, userId: c.var.user.id });
const client = (c: Context<HonoEnv>) => ({ ip: clientIp(c), userAgent: c.req.header("user-agent"), deviceToken: readDeviceCookie(c) });

export const membersRoutes = new Hono<HonoEnv>()
  .get("/members", requireUser(), requireRole(...MANAGERS), async (c) => {
    return c.json(await listMembers(c.var.db, c.var.businessId), 200);
  })
  .patch("/members/:id", requireUser(), requireRole("owner"), validate("json", roleBody), async (c) => {
    const member = await changeMemberRole(c.var.db, actor(c), assertId(c.req.param("id"), "member"), c.req.valid("json").role);
    return c.json({ member }, 200);
  })
  // Any member may leave (their own id); only an owner removes someone else (the service decides).
  .delete("/members/:id", requireUser(), requireRole(...ANY_MEMBER), async (c) => {
    const role = c.var.membership?.role ?? "staff";
    await removeMember(c.var.db, { ...actor(c), role }, assertId(c.req.param("id"), "member"));
    return c.body(null, 204);
  })
  .post("/invitations", requireUser(), requireRole("owner"), validate("json", inviteBody), async (c) => {
    return c.json({ invitation: await inviteMember(c.var.services, actor(c), c.req.valid("json")) }, 201);
  })
  .post("/invitations/lookup", validate("json", lookupBody), async (c) => {
    return c.json({ invitation: await lookUpInvitation(c.var.db, c.req.valid("json").token, client(c)) }, 200);
  })
  .post("/invitations/accept", validate("json", acceptBody), async (c) => {
    const { user, session, device, current } = await acceptInvitation(c.var.services, c.req.valid("json"), { ...client(c), sessionToken: readSessionCookie(c) });
    if (session) setSessionCookie(c, session.token, session.session.expiresAt);
    setDeviceCookie(c, device);
    return c.json({ user: userJson(user, current) }, 200);
  })
  .delete("/invitations/:id", requireUser(), requireRole("owner"), async (c) => {
    await revokeInvitation(c.var.db, actor(c), assertId(c.req.param("id"), "invitation"));
    return c.body(null, 204);
  })
  .get("/audit", requireUser(), requireRole("owner"), validate("query", auditQuery), async (c) => {
    return c.json(await listAudit(c.var.db, c.var.businessId, c.req.valid("query")), 200);
  });
