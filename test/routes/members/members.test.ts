/**
 * Members, the last-owner rule (also when two owners act at once), leaving, the audit list and
 * isolation between businesses (docs/architecture.md §7c).
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships, sessions } from "../../../src/db/schema";
import { createAgentVia } from "../../support/agents";
import { db } from "../../support/db";
import { createMember, createPayingUser, uniqueEmail } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { invite, ownerWithMember, signUpOwner } from "../../support/teams";

interface MembersBody {
  members: { userId: string; email: string; name: string | null; role: string }[];
  invitations: { id: string; email: string; role: string; expiresAt: string }[];
}
interface AuditBody {
  entries: { id: string; at: string; userId: string | null; email: string | null; action: string; target: { type: string; id: string } | null; detail: Record<string, unknown> | null }[];
  nextCursor: string | null;
}

const members = async (cookie: string) => {
  const response = await call("/api/members", { cookie });
  expect(response.status).toBe(200);
  return (await response.json()) as MembersBody;
};
const setRole = (cookie: string, userId: string, role: string) => call(`/api/members/${userId}`, { method: "PATCH", cookie, json: { role } });
const remove = (cookie: string, userId: string) => call(`/api/members/${userId}`, { method: "DELETE", cookie });
const owners = (businessId: string) => db.select().from(memberships).where(and(eq(memberships.businessId, businessId), eq(memberships.role, "owner")));

describe("GET /api/members", () => {
  it("lists the members and pending invitations for owners and admins; staff are 403", async () => {
    const { owner, member: admin } = await ownerWithMember("admin");
    const { member: staff } = await ownerWithMember("staff", owner);
    const pendingEmail = uniqueEmail("pending");
    await invite(owner.cookie, pendingEmail, "staff");

    for (const cookie of [owner.cookie, admin.cookie]) {
      const body = await members(cookie);
      expect(body.members.map((m) => [m.email, m.role])).toEqual([
        [owner.email, "owner"],
        [admin.email, "admin"],
        [staff.email, "staff"],
      ]);
      expect(body.members[1]).toMatchObject({ userId: admin.user.id, name: "Sam admin" });
      expect(body.invitations).toEqual([{ id: expect.any(String), email: pendingEmail, role: "staff", expiresAt: expect.any(String) }]);
    }
    const forbidden = await call("/api/members", { cookie: staff.cookie });
    expect(forbidden.status).toBe(403);
    expect((await errorOf(forbidden)).code).toBe("forbidden");
  });
});

describe("PATCH and DELETE /api/members/:id", () => {
  it("an owner changes roles; admins and staff cannot; bad roles are 400", async () => {
    const { owner, member } = await ownerWithMember("staff");
    const response = await setRole(owner.cookie, member.user.id, "admin");
    expect(response.status).toBe(200);
    expect(((await response.json()) as { member: unknown }).member).toEqual({ userId: member.user.id, email: member.email, name: "Sam staff", role: "admin" });
    // Now an admin: still not allowed to change roles, not even their own.
    expect((await setRole(member.cookie, member.user.id, "owner")).status).toBe(403);
    expect((await setRole(owner.cookie, member.user.id, "boss")).status).toBe(400);
    expect((await members(owner.cookie)).members.find((m) => m.userId === member.user.id)?.role).toBe("admin");
  });

  it("the last owner can neither be demoted nor removed nor leave (409); with a second owner they can", async () => {
    const { owner, member } = await ownerWithMember("admin");
    for (const response of [await setRole(owner.cookie, owner.user.id, "admin"), await remove(owner.cookie, owner.user.id)]) {
      expect(response.status).toBe(409);
      expect((await errorOf(response)).message).toContain("A business needs an owner");
    }
    expect((await owners(owner.businessId)).map((m) => m.userId)).toEqual([owner.user.id]);

    expect((await setRole(owner.cookie, member.user.id, "owner")).status).toBe(200);
    expect((await setRole(owner.cookie, owner.user.id, "staff")).status).toBe(200);
    // The demoted first owner is staff now; the other owner is the last one and stays.
    expect((await remove(member.cookie, member.user.id)).status).toBe(409);
    expect((await owners(owner.businessId)).map((m) => m.userId)).toEqual([member.user.id]);
  });

  // The loser is 409 when both checks overlap, 403 when the winner finished before the loser's
  // session was read (no longer an owner, or no longer a member): either way one owner stays.
  it("two owners demoting each other at once leave exactly one owner", async () => {
    for (let round = 0; round < 5; round++) {
      const { owner, member } = await ownerWithMember("owner");
      const answers = await Promise.all([setRole(owner.cookie, member.user.id, "admin"), setRole(member.cookie, owner.user.id, "admin")]);
      expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
      expect(answers.map((r) => r.status).filter((status) => status !== 200)).toEqual([expect.toSatisfy((status: number) => status === 409 || status === 403)]);
      expect(await owners(owner.businessId)).toHaveLength(1);
    }
  });

  it("two owners removing each other at once leave exactly one owner", async () => {
    for (let round = 0; round < 3; round++) {
      const { owner, member } = await ownerWithMember("owner");
      const answers = await Promise.all([remove(owner.cookie, member.user.id), remove(member.cookie, owner.user.id)]);
      expect(answers.filter((r) => r.status === 204)).toHaveLength(1);
      expect(await owners(owner.businessId)).toHaveLength(1);
    }
  });

  it("a member leaves; an owner removes someone; their sessions let go of the business", async () => {
    const { owner, member: staff } = await ownerWithMember("staff");
    const { member: admin } = await ownerWithMember("admin", owner);
    // An admin may not remove others, only leave.
    const refused = await remove(admin.cookie, staff.user.id);
    expect(refused.status).toBe(403);

    expect((await remove(staff.cookie, staff.user.id)).status).toBe(204);
    expect((await remove(owner.cookie, admin.user.id)).status).toBe(204);
    expect((await remove(owner.cookie, admin.user.id)).status).toBe(404);
    for (const person of [staff, admin]) {
      const held = await db.select({ businessId: sessions.businessId }).from(sessions).where(eq(sessions.userId, person.user.id));
      expect(held.map((s) => s.businessId)).toEqual([null]);
      // Invited into no business of their own, they now belong to none.
      const next = await call("/api/members", { cookie: person.cookie });
      expect(next.status).toBe(403);
      expect((await errorOf(next)).message).toContain("not a member of a business");
    }
    expect((await members(owner.cookie)).members.map((m) => m.userId)).toEqual([owner.user.id]);
  });

  it("another business's members and invitations are 404 to an owner, and stay as they were", async () => {
    const a = await ownerWithMember("staff");
    const pending = await invite(a.owner.cookie, uniqueEmail("a-pending"), "staff");
    const b = await signUpOwner();
    expect((await setRole(b.cookie, a.member.user.id, "owner")).status).toBe(404);
    expect((await remove(b.cookie, a.member.user.id)).status).toBe(404);
    expect((await remove(b.cookie, a.owner.user.id)).status).toBe(404);
    expect((await call(`/api/invitations/${pending.message?.invitationId}`, { method: "DELETE", cookie: b.cookie })).status).toBe(404);
    const mine = await members(b.cookie);
    expect(mine.members.map((m) => m.userId)).toEqual([b.user.id]);
    expect(mine.invitations).toEqual([]);
    const theirs = await members(a.owner.cookie);
    expect(theirs.members.map((m) => [m.userId, m.role])).toEqual([
      [a.owner.user.id, "owner"],
      [a.member.user.id, "staff"],
    ]);
    expect(theirs.invitations).toHaveLength(1);
    const audit = (await (await call("/api/audit", { cookie: b.cookie })).json()) as AuditBody;
    expect(audit.entries).toEqual([]);
  });
});

describe("GET /api/audit", () => {
  it("records every member change, newest first, paginated; owners only", async () => {
    const { owner, member: staff } = await ownerWithMember("staff");
    const { member: admin } = await ownerWithMember("admin", owner);
    const revoked = await invite(owner.cookie, uniqueEmail("revoked"), "staff");
    await call(`/api/invitations/${revoked.message?.invitationId}`, { method: "DELETE", cookie: owner.cookie });
    await setRole(owner.cookie, staff.user.id, "admin");
    await setRole(owner.cookie, owner.user.id, "staff"); // refused (last owner): no entry
    await remove(owner.cookie, staff.user.id);
    await remove(admin.cookie, admin.user.id);

    const seen: AuditBody["entries"] = [];
    let cursor: string | null = null;
    do {
      const response = await call(`/api/audit?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { cookie: owner.cookie });
      expect(response.status).toBe(200);
      const page = (await response.json()) as AuditBody;
      expect(page.entries.length).toBeLessThanOrEqual(2);
      seen.push(...page.entries);
      cursor = page.nextCursor;
    } while (cursor);

    expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    expect(seen.map((e) => e.action).reverse()).toEqual([
      "member.invited",
      "member.joined",
      "member.invited",
      "member.joined",
      "member.invited",
      "member.invitation_revoked",
      "member.role_changed",
      "member.removed",
      "member.left",
    ]);
    const byAction = (action: string) => seen.filter((e) => e.action === action);
    expect(byAction("member.role_changed")[0]).toMatchObject({
      userId: owner.user.id,
      email: owner.email,
      target: { type: "member", id: staff.user.id },
      detail: { email: staff.email, from: "staff", to: "admin" },
    });
    expect(byAction("member.joined")[0]).toMatchObject({ userId: admin.user.id, target: { type: "member", id: admin.user.id }, detail: { role: "admin" } });
    expect(byAction("member.invitation_revoked")[0]).toMatchObject({ target: { type: "invitation", id: revoked.message?.invitationId }, detail: { role: "staff" } });
    expect(byAction("member.left")[0]).toMatchObject({ userId: admin.user.id, detail: { email: admin.email, role: "admin" } });
    for (const entry of seen) expect(Number.isNaN(new Date(entry.at).getTime())).toBe(false);

    expect((await call("/api/audit?cursor=not-a-cursor", { cookie: owner.cookie })).status).toBe(400);
  });

  it("records agent, number and billing changes with who made them (an admin's too)", async () => {
    const owner = await createPayingUser({ name: "Audit Owner" });
    const admin = await createMember(owner.business.id, "admin");
    const agent = await createAgentVia(owner.cookie, { name: "Front Desk" });
    expect((await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie: admin.cookie, json: { greeting: "Hello there, this is the front desk." } })).status).toBe(200);
    const bought = await call("/api/phone-numbers", { method: "POST", cookie: owner.cookie, json: { agentId: agent.id } });
    expect(bought.status).toBe(201);
    const { phoneNumber } = (await bought.json()) as { phoneNumber: { id: string } };
    expect((await call(`/api/phone-numbers/${phoneNumber.id}`, { method: "PATCH", cookie: admin.cookie, json: { agentId: null } })).status).toBe(200);
    expect((await call(`/api/phone-numbers/${phoneNumber.id}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(204);
    expect((await call(`/api/agents/${agent.id}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(204);
    expect((await call("/api/billing/checkout", { method: "POST", cookie: owner.cookie, json: { packId: "starter" } })).status).toBe(200);
    // Refused changes leave no entry.
    expect((await call(`/api/agents/${agent.id}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(404);

    const { entries } = (await (await call("/api/audit", { cookie: owner.cookie })).json()) as AuditBody;
    expect(entries.map((e) => [e.action, e.userId, e.target?.id]).reverse()).toEqual([
      ["agent.created", owner.user.id, agent.id],
      ["agent.updated", admin.user.id, agent.id],
      ["number.bought", owner.user.id, phoneNumber.id],
      ["number.assigned", admin.user.id, phoneNumber.id],
      ["number.released", owner.user.id, phoneNumber.id],
      ["agent.deleted", owner.user.id, agent.id],
      ["billing.checkout_started", owner.user.id, "starter"],
    ]);
    expect(entries.find((e) => e.action === "agent.deleted")?.detail).toEqual({ name: "Front Desk" });
    expect(entries.find((e) => e.action === "agent.updated")?.detail).toEqual({ name: "Front Desk", fields: ["greeting"] });
  });

  it("is for owners: an admin is 403", async () => {
    const { member } = await ownerWithMember("admin");
    const response = await call("/api/audit", { cookie: member.cookie });
    expect(response.status).toBe(403);
  });
});
