/**
 * Limits under parallel requests (docs/architecture.md §13, issue #10 item 2): every attempt is counted
 * atomically before the password is judged, so a burst gets no more tries than the limit.
 * Device cookies (issue #18 item 9, ADR 0010): strangers' failures cannot lock out a browser
 * that has signed in before; it is judged on its own failures.
 */

import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { users } from "../../../src/db/schema";
import { rateLimitKeyOfIp } from "../../../src/routes/client-ip";
import { issueDeviceToken } from "../../../src/services/identity/device-cookies";
import { hashPassword } from "../../../src/services/identity/passwords";
import { createPasswordResetToken } from "../../../src/services/identity/reset-tokens";
import { logIn, signUp } from "../../support/accounts";
import { db } from "../../support/db";
import { envWith, testEnv } from "../../support/env";
import { createUser } from "../../support/factories";
import { call, deviceCookieFrom, sessionCookieFrom } from "../../support/http";

const countStatuses = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((counts, status) => {
    counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }, {});

describe("login limit under a burst", () => {
  it("40 wrong passwords at once for one account from one IP: at most 10 are judged (401), the rest get 429", async () => {
    const account = await signUp();
    const ip = "2001:db8:40::1";
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => logIn(account.email, `wrong guess ${i}`, { "cf-connecting-ip": ip })));
    // The account's and the IP's windows are counted by separate statements, so a request can be
    // 5th for the account and 31st for the IP: fewer than 10 may be judged, never more.
    const { 401: judged = 0, 429: limited = 0, ...other } = countStatuses(responses.map((response) => response.status));
    expect(other).toEqual({});
    expect(judged).toBeLessThanOrEqual(10);
    expect(judged + limited).toBe(40);
    // The window is full: even the right password waits now.
    expect((await logIn(account.email, account.password)).status).toBe(429);
  });

  it("40 wrong passwords at once for one account from 40 IPs: exactly 10 are judged (401), 30 get 429", async () => {
    const account = await signUp();
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => logIn(account.email, `wrong guess ${i}`, { "cf-connecting-ip": `2001:db8:41:${(i + 1).toString(16)}::1` })),
    );
    expect(countStatuses(responses.map((response) => response.status))).toEqual({ 401: 10, 429: 30 });
  });

  it("a successful login gives its attempt back: failures only are limited", async () => {
    const account = await signUp();
    for (let i = 0; i < 12; i++) expect((await logIn(account.email, account.password)).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await logIn(account.email, "wrong password")).status).toBe(401);
    expect((await logIn(account.email, "wrong password")).status).toBe(429);
  });
});

describe("current-password check of POST /api/auth/password under a burst", () => {
  it("40 wrong current passwords at once: 10 are judged, 30 get 429, and the password is unchanged", async () => {
    const account = await signUp();
    const change = (currentPassword: string) =>
      call("/api/auth/password", { method: "POST", cookie: account.cookie, json: { currentPassword, newPassword: "an attacker's choice" } });
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => change(`wrong guess ${i}`)));
    expect(countStatuses(responses.map((response) => response.status))).toEqual({ 401: 10, 429: 30 });
    expect((await change(account.password)).status).toBe(429);
    expect((await logIn(account.email, account.password)).status).toBe(200);
  });
});

/** The attack from issue #18 item 9: 25 wrong passwords at once, each from its own address, no device cookie. */
async function lockOut(email: string) {
  const responses = await Promise.all(
    Array.from({ length: 25 }, (_, i) => logIn(email, `stranger's guess ${i}`, { "cf-connecting-ip": `2001:db8:18${(i + 1).toString(16).padStart(2, "0")}::9` })),
  );
  expect(countStatuses(responses.map((response) => response.status))).toEqual({ 401: 10, 429: 15 });
}

async function deviceOf(response: Response) {
  expect(response.status).toBe(200);
  const device = deviceCookieFrom(response);
  if (!device) throw new Error("the login set no device cookie");
  return device;
}

const withDevice = (device: string) => ({ cookie: device });

describe("device cookies: strangers cannot lock an owner out", () => {
  it("after strangers fill the account's limit, the owner's browser still signs in, and its cookie is rotated each time", async () => {
    const account = await signUp();
    const fromSignUp = deviceCookieFrom(account.response);
    const device = await deviceOf(await logIn(account.email, account.password));
    await lockOut(account.email);
    // Strangers, even with the right password, wait.
    expect((await logIn(account.email, account.password)).status).toBe(429);
    const again = await logIn(account.email, account.password, withDevice(device));
    const rotated = await deviceOf(again);
    expect(rotated).not.toBe(device);
    expect((await logIn(account.email, account.password, withDevice(rotated))).status).toBe(200);
    // The browser that signed up is trusted too.
    expect(fromSignUp).not.toBeNull();
    expect((await logIn(account.email, account.password, withDevice(fromSignUp as string))).status).toBe(200);
  });

  it("a device cookie of account A does not help for account B", async () => {
    const a = await signUp();
    const b = await signUp();
    const deviceOfA = await deviceOf(await logIn(a.email, a.password));
    await lockOut(b.email);
    expect((await logIn(b.email, b.password, withDevice(deviceOfA))).status).toBe(429);
    expect((await logIn(a.email, a.password, withDevice(deviceOfA))).status).toBe(200);
  });

  it("a forged, tampered, expired or malformed device cookie counts as none", async () => {
    const account = await signUp();
    const device = await deviceOf(await logIn(account.email, account.password));
    const [version, nonce, issuedAt, signature] = device.slice("device=".length).split(".") as [string, string, string, string];
    const flip = (text: string, at: number) => `${text.slice(0, at)}${text[at] === "a" ? "b" : "a"}${text.slice(at + 1)}`;
    const secret = loadConfig(testEnv).DEVICE_COOKIE_SECRET as string;
    const [stored] = await db.select().from(users).where(eq(users.email, account.email));
    const owner = { email: account.email, passwordHash: stored?.passwordHash ?? "" };
    const otherKey = await issueDeviceToken("not our key, but just as long as one", owner);
    const expired = await issueDeviceToken(secret, owner, new Date(Date.now() - 181 * 24 * 60 * 60 * 1000));
    const forgeries = [
      `${version}.${nonce}.${issuedAt}.${flip(signature, 3)}`,
      `${version}.${flip(nonce, 3)}.${issuedAt}.${signature}`,
      `${version}.${nonce}.${Number(issuedAt) + 1}.${signature}`,
      `v2.${nonce}.${issuedAt}.${signature}`,
      otherKey.token,
      expired.token,
      "garbage",
      "",
    ];
    await lockOut(account.email);
    for (const forged of forgeries) {
      expect((await logIn(account.email, account.password, withDevice(`device=${forged}`))).status, forged).toBe(429);
    }
    expect((await logIn(account.email, account.password, withDevice(device))).status).toBe(200);
  });

  it("a device that fails too often is locked on its own (40 at once: 10 judged); the owner's other browser and strangers are not", async () => {
    const account = await signUp();
    const guessing = await deviceOf(await logIn(account.email, account.password));
    const other = await deviceOf(await logIn(account.email, account.password));
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => logIn(account.email, `wrong guess ${i}`, withDevice(guessing))));
    expect(countStatuses(responses.map((response) => response.status))).toEqual({ 401: 10, 429: 30 });
    const locked = await logIn(account.email, account.password, withDevice(guessing));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await logIn(account.email, account.password, withDevice(other))).status).toBe(200);
    // The device's failures were its own: the account's limit for strangers is untouched.
    expect((await logIn(account.email, account.password)).status).toBe(200);
  });

  it("the cookie is HttpOnly, Secure, SameSite=Strict, sent only to /api/auth, and lives 180 days", async () => {
    const account = await signUp();
    const response = await logIn(account.email, account.password);
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith("device="));
    expect(cookie).toMatch(/^device=v1\.[a-z2-7]+\.\d+\.[\w-]+;/);
    for (const attribute of [/; HttpOnly(;|$)/, /; Secure(;|$)/, /; SameSite=Strict(;|$)/, /; Path=\/api\/auth(;|$)/]) expect(cookie).toMatch(attribute);
    const expires = new Date(/; Expires=([^;]+)/.exec(cookie ?? "")?.[1] ?? 0).getTime();
    expect(expires - Date.now()).toBeGreaterThan(179 * 24 * 60 * 60 * 1000);
    // Signing out ends the session, not the browser's standing.
    const logout = await call("/api/auth/logout", { method: "POST", cookie: account.cookie });
    expect(logout.headers.getSetCookie().some((line) => line.startsWith("device="))).toBe(false);
  });

  it("a reset link gives its browser a device cookie: the owner's way in on a new device while strangers hold the limit full", async () => {
    const account = await signUp();
    await lockOut(account.email);
    const reset = await createPasswordResetToken(db, account.email);
    const confirm = await call("/api/auth/password-reset/confirm", { method: "POST", json: { token: reset?.token, newPassword: "a brand new password" } });
    expect(confirm.status).toBe(204);
    const device = deviceCookieFrom(confirm);
    expect(device).not.toBeNull();
    expect((await logIn(account.email, "a brand new password")).status).toBe(429);
    expect((await logIn(account.email, "a brand new password", withDevice(device as string))).status).toBe(200);
  });

  it("a password change or reset makes every older device cookie a stranger's; the browser that changed it keeps its standing", async () => {
    // Someone who once knew the password could have signed in many times and kept each cookie:
    // each would be 10 guesses per 15 minutes at the new password, past the account's limit.
    const account = await signUp();
    const kept = await Promise.all([1, 2, 3].map(async () => deviceOf(await logIn(account.email, account.password))));
    const changer = await deviceOf(await logIn(account.email, account.password));
    const session = sessionCookieFrom(await logIn(account.email, account.password, withDevice(changer)));
    const change = await call("/api/auth/password", {
      method: "POST",
      cookie: `${session}; ${changer}`,
      json: { currentPassword: account.password, newPassword: "the changed password" },
    });
    expect(change.status).toBe(204);
    const afterChange = deviceCookieFrom(change);
    expect(afterChange).not.toBeNull();
    await lockOut(account.email);
    expect((await logIn(account.email, "the changed password", withDevice(kept[0] as string))).status).toBe(429);
    expect((await logIn(account.email, "the changed password", withDevice(afterChange as string))).status).toBe(200);

    const reset = await createPasswordResetToken(db, account.email);
    const confirm = await call("/api/auth/password-reset/confirm", { method: "POST", json: { token: reset?.token, newPassword: "the reset password" } });
    expect(confirm.status).toBe(204);
    const afterReset = deviceCookieFrom(confirm);
    for (const device of [kept[1] as string, afterChange as string]) {
      expect((await logIn(account.email, "the reset password", withDevice(device))).status).toBe(429);
    }
    expect((await logIn(account.email, "the reset password", withDevice(afterReset as string))).status).toBe(200);
  });

  it("40 correct logins at once, each its own owner, half with a device cookie: all 200, each with a new device cookie", async () => {
    const password = "forty owners at once";
    const passwordHash = await hashPassword(password);
    const secret = loadConfig(testEnv).DEVICE_COOKIE_SECRET as string;
    const owners = await Promise.all(Array.from({ length: 40 }, () => createUser({ passwordHash })));
    const responses = await Promise.all(
      owners.map(async ({ user }, i) => {
        const headers: Record<string, string> = { "cf-connecting-ip": `2001:db8:40${(i + 1).toString(16).padStart(2, "0")}::1` };
        if (i % 2 === 0) headers.cookie = `device=${(await issueDeviceToken(secret, { email: user.email, passwordHash })).token}`;
        return logIn(user.email, password, headers);
      }),
    );
    expect(countStatuses(responses.map((response) => response.status))).toEqual({ 200: 40 });
    expect(new Set(responses.map(deviceCookieFrom)).size).toBe(40);
  });

  it("without DEVICE_COOKIE_SECRET no device cookie is set and logins are limited as strangers' are", async () => {
    const account = await signUp();
    const env = envWith({ DEVICE_COOKIE_SECRET: undefined });
    const response = await call("/api/auth/login", { method: "POST", json: { email: account.email, password: account.password }, env });
    expect(response.status).toBe(200);
    expect(deviceCookieFrom(response)).toBeNull();
  });
});

describe("per-IP limits count an IPv6 client as its /64", () => {
  it("keys an address by its /64, an IPv4-mapped one by its IPv4 address, anything else as sent", () => {
    expect(rateLimitKeyOfIp("2001:db8:41:7::1")).toBe("2001:db8:41:7::/64");
    expect(rateLimitKeyOfIp("2001:DB8:41:7:ffff:ffff:ffff:ffff")).toBe("2001:db8:41:7::/64");
    expect(rateLimitKeyOfIp("2001:0db8:0041:0007:0:0:0:9")).toBe("2001:db8:41:7::/64");
    expect(rateLimitKeyOfIp("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(rateLimitKeyOfIp("::1")).toBe("0:0:0:0::/64");
    expect(rateLimitKeyOfIp("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(rateLimitKeyOfIp("0:0:0:0:0:ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(rateLimitKeyOfIp("203.0.113.9")).toBe("203.0.113.9");
    expect(rateLimitKeyOfIp("not:an::ip::at all")).toBe("not:an::ip::at all");
  });

  it("odd but valid address forms are keyed like their plain form: an IPv4 tail, a hex-written mapped address, brackets", () => {
    // Mixed notation (RFC 4291 §2.2): the last 32 bits as an IPv4 address; without this each form was its own client.
    expect(rateLimitKeyOfIp("2001:db8:41:7:c:d:1.2.3.4")).toBe("2001:db8:41:7::/64");
    expect(rateLimitKeyOfIp("2001:db8:41:7::1.2.3.4")).toBe("2001:db8:41:7::/64");
    // An IPv4-mapped address written in hex is that IPv4 client, not the all-zero /64 shared with ::1.
    expect(rateLimitKeyOfIp("::ffff:cb00:7109")).toBe("203.0.113.9");
    expect(rateLimitKeyOfIp("[2001:db8:41:7::1]")).toBe("2001:db8:41:7::/64");
    expect(rateLimitKeyOfIp("2001:db8:41:7::1.2.3.999")).toBe("2001:db8:41:7::1.2.3.999");
  });

  it("sign-ups from eleven addresses of one /64 are one client: the 11th is 429", async () => {
    const prefix = `2001:db8:64:${Math.floor(Math.random() * 0xffff).toString(16)}`;
    const signUpFrom = (i: number) =>
      call("/api/auth/signup", { method: "POST", headers: { "cf-connecting-ip": `${prefix}::${(i + 1).toString(16)}` }, json: { email: `slash64-${crypto.randomUUID()}@example.test`, password: "one subscriber, many addresses" } });
    for (let i = 0; i < 10; i++) expect((await signUpFrom(i)).status).toBe(201);
    expect((await signUpFrom(10)).status).toBe(429);
  });
});
