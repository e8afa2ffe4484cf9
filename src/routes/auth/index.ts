/**
 * /api/auth: sign-up, sign-in, sign-out, password change and reset (DESIGN §12, §13).
 * Rate limits live in Postgres so they hold across isolates. Every attempt is counted before it
 * is judged (`claimAttempt`), so parallel requests cannot all slip under a limit; login and the
 * current-password check give a successful attempt back, so they limit failures only.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors";
import { describeError } from "../../lib/logger";
import { emailSchema, passwordSchema, rawSingleLine, singleLine, timezoneSchema } from "../../lib/schemas";
import { hashToken } from "../../lib/tokens";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { clearSessionCookie, readSessionCookie, setSessionCookie } from "../../middleware/session-cookie";
import {
  authenticate,
  changePassword,
  createAccount,
  createPasswordResetToken,
  findResetToken,
  resetPasswordWithToken,
  userJson,
} from "../../services/accounts";
import { verifyPassword } from "../../services/accounts/passwords";
import { createSession, invalidateSession, invalidateUserSessions } from "../../services/accounts/sessions";
import { claimAttempt, enforce, recordHit } from "../../services/rate-limit";
import { clientIp, limits } from "./limits";

// Request schemas are built on first use (z.lazy), not at startup: docs/decisions/0900.
const signupBody = z.lazy(() => z.object({
  email: emailSchema,
  password: passwordSchema,
  name: singleLine.min(1).max(100).optional(),
  timezone: timezoneSchema.optional(),
}));
const loginBody = z.lazy(() => z.object({ email: emailSchema, password: rawSingleLine.min(1, { message: "is required" }).max(1024) }));
const passwordBody = z.lazy(() => z.object({ currentPassword: rawSingleLine.min(1, { message: "is required" }).max(1024), newPassword: passwordSchema }));
const resetRequestBody = z.lazy(() => z.object({ email: emailSchema }));
const resetConfirmBody = z.lazy(() => z.object({ token: singleLine.min(16).max(128), newPassword: passwordSchema }));

const invalidCredentials = () => new AppError("invalid_credentials", "That email and password do not match an account.");

export const authRoutes = new Hono<HonoEnv>()
  .post("/auth/signup", validate("json", signupBody), async (c) => {
    const db = c.get("db");
    const body = c.req.valid("json");
    await enforce(db, limits.signupPerIp(clientIp(c)));
    const user = await createAccount(db, { ...body, lowCreditThreshold: c.get("config").LOW_CREDIT_THRESHOLD_DEFAULT });
    if (!user) throw new AppError("email_taken", "An account with that email already exists. Sign in instead.");
    const { token, session } = await createSession(db, user.id, { userAgent: c.req.header("user-agent"), ip: clientIp(c) });
    setSessionCookie(c, token, session.expiresAt);
    return c.json({ user: userJson(user) }, 201);
  })
  .post("/auth/login", validate("json", loginBody), async (c) => {
    const db = c.get("db");
    const { email, password } = c.req.valid("json");
    const ip = clientIp(c);
    const attempt = await claimAttempt(db, [limits.loginFailuresPerAccount(email), limits.loginFailuresPerIp(ip)]);
    const user = await authenticate(db, email, password);
    if (!user) throw invalidCredentials();
    await attempt.release();
    const { token, session } = await createSession(db, user.id, { userAgent: c.req.header("user-agent"), ip });
    setSessionCookie(c, token, session.expiresAt);
    return c.json({ user: userJson(user) }, 200);
  })
  .post("/auth/logout", async (c) => {
    const token = readSessionCookie(c);
    if (token) await invalidateSession(c.get("db"), hashToken(token));
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .post("/auth/password", requireUser(), validate("json", passwordBody), async (c) => {
    const db = c.get("db");
    const user = c.get("user");
    const { currentPassword, newPassword } = c.req.valid("json");
    const attempt = await claimAttempt(db, [limits.passwordChangeFailures(user.id)]);
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      throw new AppError("invalid_credentials", "The current password is not right.", [{ path: "currentPassword", message: "is not right" }]);
    }
    await attempt.release();
    await changePassword(db, user.id, newPassword);
    await invalidateUserSessions(db, user.id, c.get("session").id);
    return c.body(null, 204);
  })
  .post("/auth/password-reset", validate("json", resetRequestBody), async (c) => {
    const db = c.get("db");
    const { email } = c.req.valid("json");
    await enforce(db, limits.resetPerIp(clientIp(c)));
    const { APP_URL } = c.get("config");
    const logger = c.get("logger");
    // After the answer, so its timing says nothing about whether the account exists.
    c.executionCtx.waitUntil(
      (async () => {
        const perEmail = await recordHit(db, limits.resetPerEmail(email));
        if (perEmail.count > limits.resetPerEmail(email).limit) return;
        const reset = await createPasswordResetToken(db, email);
        if (!reset) return;
        await c.env.SIDE_EFFECTS.send({
          type: "email.password_reset",
          idempotencyKey: `password-reset:${hashToken(reset.token)}`,
          to: reset.user.email,
          name: reset.user.name,
          resetUrl: `${APP_URL}/reset-password?token=${encodeURIComponent(reset.token)}`,
          expiresAt: reset.expiresAt.toISOString(),
        });
      })().catch((error: unknown) =>
        logger.error("password reset request failed", describeError(error)),
      ),
    );
    return c.json({ ok: true, message: "If that email has an account, a reset link is on its way." }, 202);
  })
  .post("/auth/password-reset/confirm", validate("json", resetConfirmBody), async (c) => {
    const db = c.get("db");
    const { token, newPassword } = c.req.valid("json");
    await enforce(db, limits.resetConfirmPerIp(clientIp(c)));
    // The token first: scrypt runs only for a live token, so made-up tokens cost one indexed read.
    const invalid = () => new AppError("invalid_token", "This reset link is invalid, used or expired. Ask for a new one.");
    if (!(await findResetToken(db, token))) throw invalid();
    const userId = await resetPasswordWithToken(db, token, newPassword);
    if (!userId) throw invalid();
    clearSessionCookie(c);
    return c.body(null, 204);
  });
