import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { passwordResetTokens, sessions } from "../../../src/db/schema";
import { hashToken } from "../../../src/lib/tokens";
import type { SideEffectMessage } from "../../../src/side-effects/messages";
import { logIn, signUp } from "../../support/accounts";
import { db } from "../../support/db";
import { bindingsWith, recordingQueue } from "../../support/env";
import { uniqueEmail } from "../../support/factories";
import { call, errorOf } from "../../support/http";

type ResetMessage = Extract<SideEffectMessage, { type: "email.password_reset" }>;

async function requestReset(email: string, headers: Record<string, string> = {}) {
  const queue = recordingQueue<SideEffectMessage>();
  const response = await call("/api/auth/password-reset", {
    method: "POST",
    json: { email },
    headers,
    env: bindingsWith({ SIDE_EFFECTS: queue }),
  });
  return { response, sent: queue.sent as ResetMessage[] };
}

function tokenOf(message: ResetMessage | undefined): string {
  const token = new URL(message?.resetUrl ?? "http://x/").searchParams.get("token");
  if (!token) throw new Error("no token in the reset message");
  return token;
}

describe("password reset", () => {
  it("mails a single-use link; confirming sets the password and revokes every session", async () => {
    const account = await signUp({ name: "Rae", timezone: "America/Chicago" });
    const { response, sent } = await requestReset(account.email.toUpperCase());
    expect(response.status).toBe(202);
    expect(sent).toHaveLength(1);
    const message = sent[0]!;
    // The expiry is told in the owner's own zone (issue 21 defect 8), so the message carries it.
    expect(message).toMatchObject({ type: "email.password_reset", to: account.email, name: "Rae", timezone: "America/Chicago" });
    expect(message.resetUrl.startsWith("http://127.0.0.1:8787/reset-password?token=")).toBe(true);
    expect(new Date(message.expiresAt).getTime() - Date.now()).toBeGreaterThan(29 * 60 * 1000);
    expect(new Date(message.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(30 * 60 * 1000);

    const token = tokenOf(message);
    const [stored] = await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, account.user.id));
    expect(stored?.id).toBe(hashToken(token));

    const confirm = await call("/api/auth/password-reset/confirm", {
      method: "POST",
      json: { token, newPassword: "reset to this one" },
    });
    expect(confirm.status).toBe(204);
    expect(await db.select().from(sessions).where(eq(sessions.userId, account.user.id))).toHaveLength(0);
    expect((await call("/api/me", { cookie: account.cookie })).status).toBe(401);
    expect((await logIn(account.email, account.password)).status).toBe(401);
    expect((await logIn(account.email, "reset to this one")).status).toBe(200);

    const reused = await call("/api/auth/password-reset/confirm", {
      method: "POST",
      json: { token, newPassword: "and again another" },
    });
    expect(reused.status).toBe(400);
    expect((await errorOf(reused)).code).toBe("invalid_token");
    expect((await logIn(account.email, "reset to this one")).status).toBe(200);
  });

  it("an expired token fails and changes nothing", async () => {
    const account = await signUp();
    const { sent } = await requestReset(account.email);
    const token = tokenOf(sent[0]);
    await db
      .update(passwordResetTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(passwordResetTokens.id, hashToken(token)));
    const response = await call("/api/auth/password-reset/confirm", { method: "POST", json: { token, newPassword: "too late for this" } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_token");
    expect((await logIn(account.email, account.password)).status).toBe(200);
  });

  it("using one link spends the user's other open links too", async () => {
    const account = await signUp();
    const first = tokenOf((await requestReset(account.email)).sent[0]);
    const second = tokenOf((await requestReset(account.email)).sent[0]);
    expect((await call("/api/auth/password-reset/confirm", { method: "POST", json: { token: second, newPassword: "second link wins" } })).status).toBe(204);
    const stale = await call("/api/auth/password-reset/confirm", { method: "POST", json: { token: first, newPassword: "first link loses" } });
    expect(stale.status).toBe(400);
  });

  it("a password change through POST /api/auth/password spends every open reset link", async () => {
    const account = await signUp();
    const first = tokenOf((await requestReset(account.email)).sent[0]);
    const second = tokenOf((await requestReset(account.email)).sent[0]);
    const changed = await call("/api/auth/password", {
      method: "POST",
      cookie: account.cookie,
      json: { currentPassword: account.password, newPassword: "changed on purpose" },
    });
    expect(changed.status).toBe(204);
    for (const token of [first, second]) {
      const stale = await call("/api/auth/password-reset/confirm", { method: "POST", json: { token, newPassword: "an attacker's choice" } });
      expect(stale.status).toBe(400);
      expect((await errorOf(stale)).code).toBe("invalid_token");
    }
    expect((await logIn(account.email, "changed on purpose")).status).toBe(200);
    const open = await db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, account.user.id));
    expect(open.every((row) => row.usedAt !== null)).toBe(true);
  });

  it("answers 202 with the same body whether or not the account exists, and mails nobody", async () => {
    const account = await signUp();
    const known = await requestReset(account.email);
    const unknown = await requestReset(uniqueEmail("ghost"));
    expect(unknown.response.status).toBe(202);
    expect(await unknown.response.json()).toEqual(await known.response.json());
    expect(unknown.sent).toHaveLength(0);
  });

  it("a made-up token is refused", async () => {
    const response = await call("/api/auth/password-reset/confirm", {
      method: "POST",
      json: { token: "a".repeat(40), newPassword: "does not matter" },
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_token");
  });

  it("limits reset requests per IP with 429", async () => {
    const ip = "2001:db8:eeee::7";
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await requestReset(uniqueEmail(), { "cf-connecting-ip": ip })).response.status).toBe(202);
    }
    const limited = await requestReset(uniqueEmail(), { "cf-connecting-ip": ip });
    expect(limited.response.status).toBe(429);
  });

  it("sends at most 3 mails an hour to one address, silently", async () => {
    const account = await signUp();
    const counts = [];
    for (let attempt = 0; attempt < 4; attempt++) counts.push((await requestReset(account.email)).sent.length);
    expect(counts).toEqual([1, 1, 1, 0]);
  });
});
