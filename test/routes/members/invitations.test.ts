/**
 * Invitations end to end (docs/architecture.md §7c): invite → the e-mail on the queue (and over
 * SMTP) → accept as a new or an existing person → single use, expiry, revocation, replacement.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { invitations, memberships, sessions, users } from "../../../src/db/schema";
import { hashToken } from "../../../src/lib/tokens";
import { MAX_PENDING_INVITATIONS } from "../../../src/services/businesses/invitations";
import { logIn, TEST_PASSWORD } from "../../support/accounts";
import { db } from "../../support/db";
import { uniqueEmail } from "../../support/factories";
import { call, errorOf, sessionCookieFrom } from "../../support/http";
import { consumeBatch } from "../../support/queues";
import { smtpInbox } from "../../support/smtp";
import { accept, invite, ownerWithMember, signUpOwner } from "../../support/teams";

const membershipsOf = (userId: string) => db.select().from(memberships).where(eq(memberships.userId, userId));
const sessionBusiness = async (cookie: string) => {
  const [row] = await db.select({ businessId: sessions.businessId }).from(sessions).where(eq(sessions.id, hashToken(cookie.replace(/^session=/, ""))));
  return row?.businessId ?? null;
};

describe("POST /api/invitations", () => {
  it("stores only the token's hash for 7 days and mails a link naming the business and who invited", async () => {
    const owner = await signUpOwner({ name: "Olga <Owner>" });
    const email = uniqueEmail("invitee");
    const { response, message, token } = await invite(owner.cookie, email.toUpperCase(), "staff");
    expect(response.status).toBe(201);
    const { invitation } = (await response.json()) as { invitation: { id: string; email: string; role: string; expiresAt: string } };
    expect(invitation).toMatchObject({ email, role: "staff" });
    const lifetime = new Date(invitation.expiresAt).getTime() - Date.now();
    expect(lifetime).toBeGreaterThan(7 * 24 * 3600_000 - 60_000);
    expect(lifetime).toBeLessThanOrEqual(7 * 24 * 3600_000 + 5_000);

    expect(message).toMatchObject({ type: "email.invitation", invitationId: invitation.id, to: email });
    expect(message?.acceptUrl.startsWith("http://127.0.0.1:8787/invite?token=")).toBe(true);
    const [stored] = await db.select().from(invitations).where(eq(invitations.id, invitation.id));
    expect(stored?.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);

    const { result } = await consumeBatch(message ? [message] : []);
    expect(result.explicitAcks).toHaveLength(1);
    const [mail] = await smtpInbox().waitFor(email);
    expect(mail?.text).toContain("You are invited to join Olga <Owner> on Agentline, invited by Olga <Owner>, as staff");
    expect(mail?.text).toContain(message?.acceptUrl);
    expect(mail?.html).toContain("Olga &lt;Owner&gt;");
    expect(mail?.html).not.toContain("<Owner>");
  });

  it("inviting the same e-mail again replaces the pending invitation: the old link is dead, and a revoked one is not mailed", async () => {
    const owner = await signUpOwner();
    const email = uniqueEmail("twice");
    const first = await invite(owner.cookie, email, "staff");
    const second = await invite(owner.cookie, email, "admin");
    expect(second.response.status).toBe(201);
    const pending = await db.select().from(invitations).where(eq(invitations.email, email));
    expect(pending).toHaveLength(1);
    expect(pending[0]?.role).toBe("admin");

    const old = await accept({ token: first.token, password: TEST_PASSWORD });
    expect(old.status).toBe(400);
    expect((await errorOf(old)).code).toBe("invalid_token");
    expect(await db.select().from(users).where(eq(users.email, email))).toHaveLength(0);

    // The first message reaches the consumer after the replacement: nothing is sent for it.
    await consumeBatch(first.message ? [first.message] : []);
    expect(await smtpInbox().messages(email)).toHaveLength(0);

    const fresh = await accept({ token: second.token, password: TEST_PASSWORD });
    expect(fresh.status).toBe(200);
    const { user } = (await fresh.json()) as { user: { id: string } };
    expect((await membershipsOf(user.id)).map((m) => m.role)).toEqual(["admin"]);
  });

  it("refuses to invite an existing member (409), staff and admins (403) and bad input (400), creating nothing", async () => {
    const { owner, member } = await ownerWithMember("admin");
    const again = await invite(owner.cookie, member.email, "staff");
    expect(again.response.status).toBe(409);
    expect((await errorOf(again.response)).message).toContain("already a member");
    expect(again.message).toBeUndefined();

    const byAdmin = await invite(member.cookie, uniqueEmail("by-admin"), "staff");
    expect(byAdmin.response.status).toBe(403);
    expect((await errorOf(byAdmin.response)).code).toBe("forbidden");

    for (const json of [{ email: "not an email", role: "staff" }, { email: uniqueEmail(), role: "boss" }, { email: uniqueEmail() }]) {
      const response = await call("/api/invitations", { method: "POST", cookie: owner.cookie, json });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe("validation_failed");
    }
    expect(await db.select().from(invitations).where(eq(invitations.businessId, owner.businessId))).toHaveLength(1);
  });

  it(`keeps at most ${MAX_PENDING_INVITATIONS} pending invitations per business`, async () => {
    const owner = await signUpOwner();
    for (let i = 0; i < MAX_PENDING_INVITATIONS; i++) expect((await invite(owner.cookie, uniqueEmail("many"), "staff")).response.status).toBe(201);
    const over = await invite(owner.cookie, uniqueEmail("one-too-many"), "staff");
    expect(over.response.status).toBe(409);
    expect((await errorOf(over.response)).message).toContain("pending invitations");
    expect(over.message).toBeUndefined();
  });
});

describe("POST /api/invitations/accept", () => {
  it("signs a new person up into the inviting business, with no business of their own, and is single use", async () => {
    const owner = await signUpOwner();
    const email = uniqueEmail("new-person");
    const { token } = await invite(owner.cookie, email, "staff");

    const lookup = await call("/api/invitations/lookup", { method: "POST", json: { token } });
    expect(lookup.status).toBe(200);
    expect(((await lookup.json()) as { invitation: unknown }).invitation).toMatchObject({ email, role: "staff", accountExists: false, invitedBy: "Dana Owner" });

    const noPassword = await accept({ token });
    expect(noPassword.status).toBe(400);
    expect((await errorOf(noPassword)).details).toEqual([{ path: "password", message: expect.stringContaining("choose a password") }]);
    const short = await accept({ token, password: "short" });
    expect(short.status).toBe(400);
    expect(await db.select().from(users).where(eq(users.email, email))).toHaveLength(0);

    const response = await accept({ token, password: TEST_PASSWORD, name: "Nia New" });
    expect(response.status).toBe(200);
    const { user } = (await response.json()) as { user: { id: string; email: string; name: string } };
    expect(user).toMatchObject({ email, name: "Nia New", business: { id: owner.businessId, role: "staff" } });
    const cookie = sessionCookieFrom(response);
    expect(await membershipsOf(user.id)).toEqual([expect.objectContaining({ businessId: owner.businessId, role: "staff" })]);
    expect(await sessionBusiness(cookie)).toBe(owner.businessId);
    expect((await call("/api/me", { cookie })).status).toBe(200);

    const again = await accept({ token, password: TEST_PASSWORD });
    expect(again.status).toBe(400);
    expect((await errorOf(again)).code).toBe("invalid_token");
    expect(await membershipsOf(user.id)).toHaveLength(1);
    expect((await logIn(email, TEST_PASSWORD)).status).toBe(200);
  });

  it("an existing account must give its password (a login's rules) and keeps its own business", async () => {
    const owner = await signUpOwner();
    const person = await signUpOwner({ name: "Eli Existing" });
    const { token } = await invite(owner.cookie, person.email, "admin");

    const lookup = await call("/api/invitations/lookup", { method: "POST", json: { token } });
    expect(((await lookup.json()) as { invitation: { accountExists: boolean } }).invitation.accountExists).toBe(true);

    const wrong = await accept({ token, password: "not the password at all" });
    expect(wrong.status).toBe(401);
    expect((await errorOf(wrong)).code).toBe("invalid_credentials");
    const missing = await accept({ token });
    expect(missing.status).toBe(400);
    expect(await membershipsOf(person.user.id)).toHaveLength(1);

    const response = await accept({ token, password: person.password });
    expect(response.status).toBe(200);
    const cookie = sessionCookieFrom(response);
    expect(await sessionBusiness(cookie)).toBe(owner.businessId);
    expect((await membershipsOf(person.user.id)).map((m) => [m.businessId, m.role]).sort()).toEqual(
      [
        [owner.businessId, "admin"],
        [person.businessId, "owner"],
      ].sort(),
    );
  });

  it("someone already signed in as the invitee accepts without a password; their session moves to the business", async () => {
    const owner = await signUpOwner();
    const person = await signUpOwner();
    const { token } = await invite(owner.cookie, person.email, "staff");
    const response = await accept({ token }, person.cookie);
    expect(response.status).toBe(200);
    expect(response.headers.get("set-cookie") ?? "").not.toContain("session=");
    expect(await sessionBusiness(person.cookie)).toBe(owner.businessId);

    // Signed in as someone else, the invitee's password is still needed.
    const other = await invite(owner.cookie, uniqueEmail("else"), "staff");
    const stranger = await signUpOwner();
    const refused = await accept({ token: other.token }, stranger.cookie);
    expect(refused.status).toBe(400);
    expect(await membershipsOf(stranger.user.id)).toHaveLength(1);
  });

  it("an expired or revoked invitation is 400 invalid_token and changes nothing", async () => {
    const owner = await signUpOwner();
    const expiredEmail = uniqueEmail("expired");
    const expired = await invite(owner.cookie, expiredEmail, "staff");
    await db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.tokenHash, hashToken(expired.token)));
    const late = await accept({ token: expired.token, password: TEST_PASSWORD });
    expect(late.status).toBe(400);
    expect((await errorOf(late)).code).toBe("invalid_token");
    expect(await db.select().from(users).where(eq(users.email, expiredEmail))).toHaveLength(0);

    const revokedEmail = uniqueEmail("revoked");
    const revoked = await invite(owner.cookie, revokedEmail, "staff");
    const id = revoked.message?.invitationId ?? "";
    expect((await call(`/api/invitations/${id}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(204);
    expect((await call(`/api/invitations/${id}`, { method: "DELETE", cookie: owner.cookie })).status).toBe(404);
    const dead = await accept({ token: revoked.token, password: TEST_PASSWORD });
    expect(dead.status).toBe(400);
    expect((await errorOf(dead)).code).toBe("invalid_token");
    expect(await db.select().from(users).where(eq(users.email, revokedEmail))).toHaveLength(0);
    const lookup = await call("/api/invitations/lookup", { method: "POST", json: { token: revoked.token } });
    expect(lookup.status).toBe(400);
  });

  it("accepting twice at once makes one membership", async () => {
    const owner = await signUpOwner();
    const person = await signUpOwner();
    const { token } = await invite(owner.cookie, person.email, "staff");
    const answers = await Promise.all([accept({ token, password: person.password }), accept({ token, password: person.password })]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 400]);
    const rows = await db.select().from(memberships).where(and(eq(memberships.userId, person.user.id), eq(memberships.businessId, owner.businessId)));
    expect(rows).toHaveLength(1);
  });
});
