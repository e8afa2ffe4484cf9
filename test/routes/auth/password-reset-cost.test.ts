/**
 * `POST /api/auth/password-reset/confirm` must not burn CPU for anyone (issue #10 item 3): a
 * made-up token is looked up and refused before any scrypt work, and the route is limited per IP.
 */
import { describe, expect, it, vi } from "vitest";

vi.mock("../../../src/services/identity/passwords", async (importOriginal) => {
  const original = await importOriginal<typeof import("../../../src/services/identity/passwords")>();
  return { ...original, hashPassword: vi.fn(original.hashPassword) };
});

import { hashPassword } from "../../../src/services/identity/passwords";
import { call, errorOf } from "../../support/http";

describe("password reset confirm: cost", () => {
  it("a made-up token is refused without hashing the new password", async () => {
    vi.mocked(hashPassword).mockClear();
    const response = await call("/api/auth/password-reset/confirm", { method: "POST", json: { token: "x".repeat(43), newPassword: "a brand new password" } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_token");
    expect(vi.mocked(hashPassword)).not.toHaveBeenCalled();
  });
});

describe("password reset confirm: per-IP limit", () => {
  it("10 confirmations an hour per IP, then 429, counted before the token is looked at", async () => {
    const ip = "2001:db8:c0f1::9";
    const attempt = () =>
      call("/api/auth/password-reset/confirm", { method: "POST", json: { token: crypto.randomUUID(), newPassword: "a brand new password" }, headers: { "cf-connecting-ip": ip } });
    const statuses = (await Promise.all(Array.from({ length: 14 }, attempt))).map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(10).fill(400), ...Array(4).fill(429)]);
    const other = await call("/api/auth/password-reset/confirm", { method: "POST", json: { token: crypto.randomUUID(), newPassword: "a brand new password" } });
    expect(other.status).toBe(400);
  });
});
