import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../../src/db/schema";
import { logIn, signUp } from "../../support/accounts";
import { db } from "../../support/db";
import { uniqueEmail } from "../../support/factories";
import { call, errorOf } from "../../support/http";

describe("sign-up errors", () => {
  it("a taken email (in any case) is 409 email_taken", async () => {
    const account = await signUp();
    const response = await call("/api/auth/signup", {
      method: "POST",
      json: { email: account.email.toUpperCase(), password: "another password" },
    });
    expect(response.status).toBe(409);
    expect((await errorOf(response)).code).toBe("email_taken");
  });

  it("names each bad field: email, a short password, an unknown timezone", async () => {
    const response = await call("/api/auth/signup", {
      method: "POST",
      json: { email: "not-an-email", password: "short", timezone: "Mars/Olympus" },
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    const paths = (error.details as { path: string }[]).map((detail) => detail.path).sort();
    expect(paths).toEqual(["email", "password", "timezone"]);
  });

  it("refuses one of the most common passwords, saying why, and creates no account (issue 21 defect 9)", async () => {
    for (const password of ["12345678", "Password1", "qwertyuiop"]) {
      const email = uniqueEmail("common");
      const response = await call("/api/auth/signup", { method: "POST", json: { email, password } });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.details).toEqual([expect.objectContaining({ path: "password", message: expect.stringMatching(/most common passwords/) })]);
      expect(await db.select().from(users).where(eq(users.email, email))).toEqual([]);
    }
  });

  it("refuses a password over 128 characters", async () => {
    const response = await call("/api/auth/signup", { method: "POST", json: { email: uniqueEmail(), password: "x".repeat(129) } });
    expect(response.status).toBe(400);
  });
});

describe("login errors and limits", () => {
  it("a wrong password and an unknown email give the same 401 invalid_credentials", async () => {
    const account = await signUp();
    const wrong = await logIn(account.email, "not the password");
    const unknown = await logIn(uniqueEmail("nobody"), "whatever password");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await errorOf(wrong), await errorOf(unknown)];
    expect(a.code).toBe("invalid_credentials");
    expect(b.code).toBe("invalid_credentials");
    expect(a.message).toBe(b.message);
  });

  it("after 10 failures for one account, even the right password gets 429 with Retry-After", async () => {
    const account = await signUp();
    for (let attempt = 0; attempt < 10; attempt++) {
      // Each from a different address: the per-account limit is what bites.
      expect((await logIn(account.email, `wrong-${attempt}`)).status).toBe(401);
    }
    const limited = await logIn(account.email, account.password);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await errorOf(limited)).code).toBe("rate_limited");
  });

  it("limits failures per IP across accounts", async () => {
    const ip = "2001:db8:ffff::1";
    for (let attempt = 0; attempt < 30; attempt++) {
      expect((await logIn(uniqueEmail("spray"), "password-guess", { "cf-connecting-ip": ip })).status).toBe(401);
    }
    const limited = await logIn(uniqueEmail("spray"), "password-guess", { "cf-connecting-ip": ip });
    expect(limited.status).toBe(429);
  });

  it("password change with a wrong current password is refused and changes nothing", async () => {
    const account = await signUp();
    const response = await call("/api/auth/password", {
      method: "POST",
      cookie: account.cookie,
      json: { currentPassword: "not it at all", newPassword: "whatever new one" },
    });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("invalid_credentials");
    expect((await logIn(account.email, account.password)).status).toBe(200);
  });

  it("PATCH /api/me refuses unknown fields and a malformed phone", async () => {
    const account = await signUp();
    const bad = await call("/api/me", { method: "PATCH", cookie: account.cookie, json: { phone: "555-1234" } });
    expect(bad.status).toBe(400);
    const unknown = await call("/api/me", { method: "PATCH", cookie: account.cookie, json: { credits: 1000 } });
    expect(unknown.status).toBe(400);
    const me = (await (await call("/api/me", { cookie: account.cookie })).json()) as { user: { credits: number; phone: null } };
    expect(me.user).toMatchObject({ credits: 0, phone: null });
  });
});

describe("sign-up rate limit", () => {
  it("bounds e-mail enumeration (ADR 0011): a 409 email_taken counts against the address's 10 an hour, and the 11th probe is 429 whatever the e-mail", async () => {
    const taken = await signUp();
    const ip = `2001:db8:5168::${Math.floor(Math.random() * 0xffff).toString(16)}`;
    const probe = (email: string) => call("/api/auth/signup", { method: "POST", headers: { "cf-connecting-ip": ip }, json: { email, password: "probing for accounts" } });
    for (let attempt = 0; attempt < 10; attempt++) {
      const response = await probe(taken.email);
      expect(response.status).toBe(409);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
    for (const email of [taken.email, uniqueEmail("probe")]) {
      const limited = await probe(email);
      expect(limited.status).toBe(429);
      expect((await errorOf(limited)).code).toBe("rate_limited");
    }
  });

  it("one address gets 10 sign-ups an hour; the 11th is 429 rate_limited and creates no account", async () => {
    const ip = `2001:db8:5167::${Math.floor(Math.random() * 0xffff).toString(16)}`;
    for (let attempt = 0; attempt < 10; attempt++) {
      const response = await call("/api/auth/signup", { method: "POST", headers: { "cf-connecting-ip": ip }, json: { email: uniqueEmail("burst"), password: "sign-up burst password" } });
      expect(response.status).toBe(201);
    }
    const email = uniqueEmail("burst");
    const limited = await call("/api/auth/signup", { method: "POST", headers: { "cf-connecting-ip": ip }, json: { email, password: "sign-up burst password" } });
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).code).toBe("rate_limited");
    expect((await logIn(email, "sign-up burst password")).status).toBe(401);
    // Another address is not held back.
    const elsewhere = await call("/api/auth/signup", { method: "POST", json: { email: uniqueEmail("burst"), password: "sign-up burst password" } });
    expect(elsewhere.status).toBe(201);
  });
});
