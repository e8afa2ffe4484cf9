/**
 * Limits under parallel requests (DESIGN §13, issue #10 item 2): every attempt is counted
 * atomically before the password is judged, so a burst gets no more tries than the limit.
 */
import { describe, expect, it } from "vitest";
import { logIn, signUp } from "../../support/accounts";
import { call } from "../../support/http";

const countStatuses = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});

describe("login limit under a burst", () => {
  it("40 wrong passwords at once for one account from one IP: 10 are judged (401), 30 get 429", async () => {
    const account = await signUp();
    const ip = "2001:db8:40::1";
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => logIn(account.email, `wrong guess ${i}`, { "cf-connecting-ip": ip })));
    expect(countStatuses(responses.map((response) => response.status))).toEqual({ 401: 10, 429: 30 });
    // The window is full: even the right password waits now.
    expect((await logIn(account.email, account.password)).status).toBe(429);
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
