/**
 * /api/auth: sign-up, sign-in, sign-out, password change and reset (docs/architecture.md §12, §13). The steps
 * and rate limits are services/identity; here the body is parsed and the cookies set
 * (the session's, and the device cookie that keeps strangers' failures from locking the owner out).
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { readDeviceCookie, setDeviceCookie } from "../../middleware/device-cookie";
import { clearSessionCookie, readSessionCookie, setSessionCookie } from "../../middleware/session-cookie";
import { userJson } from "../../services/accounts";
import { firstBusinessOf } from "../../services/businesses/business";
import {
  type Client,
  changeOwnPassword,
  confirmPasswordReset,
  requestPasswordReset,
  signIn,
  signOut,
  signUp,
} from "../../services/identity";
import { clientIp } from "../client-ip";
import { loginBody, passwordBody, resetConfirmBody, resetRequestBody, signupBody } from "./schemas";

const client = (c: Context<HonoEnv>): Client => ({ ip: clientIp(c), userAgent: c.req.header("user-agent"), deviceToken: readDeviceCookie(c) });

export const authRoutes = new Hono<HonoEnv>()
  .post("/auth/signup", validate("json", signupBody), async (c) => {
    const { user, token, session, device } = await signUp(c.var.services, c.req.valid("json"), client(c));
    setSessionCookie(c, token, session.expiresAt);
    setDeviceCookie(c, device);
    return c.json({ user: userJson(user, await firstBusinessOf(c.var.services.db, user.id)) }, 201);
  })
  .post("/auth/login", validate("json", loginBody), async (c) => {
    const { user, token, session, device } = await signIn(c.var.services, c.req.valid("json"), client(c));
    setSessionCookie(c, token, session.expiresAt);
    setDeviceCookie(c, device);
    return c.json({ user: userJson(user, await firstBusinessOf(c.var.services.db, user.id)) }, 200);
  })
  .post("/auth/logout", async (c) => {
    await signOut(c.var.services, readSessionCookie(c));
    clearSessionCookie(c);
    return c.body(null, 204);
  })
  .post("/auth/password", requireUser(), validate("json", passwordBody), async (c) => {
    const { device } = await changeOwnPassword(c.var.services, c.get("user"), c.get("session").id, c.req.valid("json"));
    // Older device cookies no longer count after a password change; this browser keeps its standing.
    setDeviceCookie(c, device);
    return c.body(null, 204);
  })
  .post("/auth/password-reset", validate("json", resetRequestBody), async (c) => {
    const { delivery } = await requestPasswordReset(c.var.services, c.req.valid("json").email, client(c));
    // After the answer, so its timing says nothing about whether the account exists.
    c.executionCtx.waitUntil(delivery);
    return c.json({ ok: true, message: "If that email has an account, a reset link is on its way." }, 202);
  })
  .post("/auth/password-reset/confirm", validate("json", resetConfirmBody), async (c) => {
    const { device } = await confirmPasswordReset(c.var.services, c.req.valid("json"), client(c));
    clearSessionCookie(c);
    setDeviceCookie(c, device);
    return c.body(null, 204);
  });
