/**
 * Limits under parallel requests (DESIGN §13, issue #10 item 2): every attempt is counted
 * atomically before the password is judged, so a burst gets no more tries than the limit.
 */
import { describe, expect, it } from "vitest";
import { logIn, signUp } from "../../support/accounts";
import { call } from "../../support/http";

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
      Array.from({ length: 40 }, (_, i) => logIn(account.email, `wrong guess ${i}`, { "cf-connecting-ip": `2001:db8:41::${i + 1}` })),
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
