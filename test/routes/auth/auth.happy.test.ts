import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { sessions, users } from "../../../src/db/schema";
import { hashToken } from "../../../src/lib/tokens";
import { logIn, signUp, TEST_PASSWORD } from "../../support/accounts";
import { db } from "../../support/db";
import { uniqueEmail } from "../../support/factories";
import { call, sessionCookieFrom } from "../../support/http";

describe("sign-up, session, sign-out", () => {
  it("signs up, sets a hardened cookie, serves /api/me, and logs out for good", async () => {
    const email = uniqueEmail("Mixed.Case").toUpperCase();
    const response = await call("/api/auth/signup", {
      method: "POST",
      json: { email: `  ${email} `, password: TEST_PASSWORD, name: "Dana", timezone: "Europe/Berlin" },
    });
    expect(response.status).toBe(201);
    const { user } = (await response.json()) as { user: Record<string, unknown> };
    expect(user).toMatchObject({ email: email.toLowerCase(), name: "Dana", timezone: "Europe/Berlin", credits: 0 });
    expect(user).not.toHaveProperty("passwordHash");

    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^session=[a-z2-7]{40,}/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    const expires = new Date(/Expires=([^;]+)/.exec(setCookie)?.[1] ?? "").getTime();
    expect(Math.abs(expires - (Date.now() + 7 * 24 * 3600 * 1000))).toBeLessThan(60_000);

    const cookie = sessionCookieFrom(response);
    const token = cookie.slice("session=".length);
    const stored = await db.select().from(sessions).where(eq(sessions.userId, String(user.id)));
    expect(stored).toHaveLength(1);
    expect(stored[0]?.id).toBe(hashToken(token));
    // The token itself is nowhere in the database, in any column of any session.
    const leaked = await db.execute(sql`select count(*)::int as n from sessions where position(${token} in sessions::text) > 0`);
    expect(Number(leaked.rows[0]?.n)).toBe(0);
    const [row] = await db.select().from(users).where(eq(users.id, String(user.id)));
    expect(row?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(row?.passwordHash).not.toContain(TEST_PASSWORD);

    const me = await call("/api/me", { cookie });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      user: { id: user.id, email: email.toLowerCase(), lowCreditThreshold: 10, google: { connected: false } },
    });

    const logout = await call("/api/auth/logout", { method: "POST", cookie });
    expect(logout.status).toBe(204);
    expect(logout.headers.get("set-cookie")).toMatch(/session=;.*Max-Age=0/);
    expect(await db.select().from(sessions).where(eq(sessions.userId, String(user.id)))).toHaveLength(0);

    const after = await call("/api/me", { cookie });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
  });

  it("logs in with the email in any case and gets a new session", async () => {
    const account = await signUp();
    const response = await logIn(account.email.toUpperCase(), account.password);
    expect(response.status).toBe(200);
    const cookie = sessionCookieFrom(response);
    expect(cookie).not.toBe(account.cookie);
    expect((await call("/api/me", { cookie })).status).toBe(200);
  });

  it("upgrades a hash made with weaker parameters at the next sign-in", async () => {
    const account = await signUp();
    const { hashPassword } = await import("../../../src/services/identity/passwords");
    const weak = await hashPassword(account.password, { N: 2 ** 14, r: 8, p: 1 });
    await db.update(users).set({ passwordHash: weak }).where(eq(users.id, account.user.id));
    expect((await logIn(account.email, account.password)).status).toBe(200);
    const [row] = await db.select().from(users).where(eq(users.id, account.user.id));
    expect(row?.passwordHash).toMatch(/^scrypt\$32768\$/);
  });
});

describe("session lifetime", () => {
  it("rejects and deletes an expired session", async () => {
    const account = await signUp();
    const id = hashToken(account.cookie.slice("session=".length));
    await db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.id, id));
    const response = await call("/api/me", { cookie: account.cookie });
    expect(response.status).toBe(401);
    expect(await db.select().from(sessions).where(eq(sessions.id, id))).toHaveLength(0);
  });

  it("extends a session used in the second half of its life, cookie included", async () => {
    const account = await signUp();
    const id = hashToken(account.cookie.slice("session=".length));
    const soon = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    await db.update(sessions).set({ expiresAt: soon }).where(eq(sessions.id, id));
    const response = await call("/api/me", { cookie: account.cookie });
    expect(response.status).toBe(200);
    const [row] = await db.select().from(sessions).where(eq(sessions.id, id));
    expect(row!.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600 * 1000);
    expect(response.headers.get("set-cookie")).toMatch(/^session=/);
  });

  it("leaves a session in the first half of its life alone", async () => {
    const account = await signUp();
    const id = hashToken(account.cookie.slice("session=".length));
    const [before] = await db.select().from(sessions).where(eq(sessions.id, id));
    const response = await call("/api/me", { cookie: account.cookie });
    expect(response.headers.get("set-cookie")).toBeNull();
    const [after] = await db.select().from(sessions).where(eq(sessions.id, id));
    expect(after?.expiresAt.getTime()).toBe(before?.expiresAt.getTime());
  });
});

describe("password change", () => {
  it("revokes every other session and keeps the current one", async () => {
    const account = await signUp();
    const other = sessionCookieFrom(await logIn(account.email, account.password));
    const third = sessionCookieFrom(await logIn(account.email, account.password));

    const response = await call("/api/auth/password", {
      method: "POST",
      cookie: account.cookie,
      json: { currentPassword: account.password, newPassword: "a brand new passphrase" },
    });
    expect(response.status).toBe(204);
    expect((await call("/api/me", { cookie: account.cookie })).status).toBe(200);
    expect((await call("/api/me", { cookie: other })).status).toBe(401);
    expect((await call("/api/me", { cookie: third })).status).toBe(401);
    expect((await logIn(account.email, account.password)).status).toBe(401);
    expect((await logIn(account.email, "a brand new passphrase")).status).toBe(200);
  });
});

describe("PATCH /api/me", () => {
  it("changes name, phone, timezone and threshold, and clears the phone with null", async () => {
    const account = await signUp();
    const response = await call("/api/me", {
      method: "PATCH",
      cookie: account.cookie,
      json: { name: "Dana Q.", phone: "+14155550123", timezone: "America/Chicago", lowCreditThreshold: 25 },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      user: { name: "Dana Q.", phone: "+14155550123", timezone: "America/Chicago", lowCreditThreshold: 25 },
    });
    const cleared = await call("/api/me", { method: "PATCH", cookie: account.cookie, json: { phone: null } });
    expect(await cleared.json()).toMatchObject({ user: { phone: null, timezone: "America/Chicago" } });
  });
});
