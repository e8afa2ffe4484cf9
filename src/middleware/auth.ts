/**
 * `requireUser()`: the session cookie must name a live session, else 401 `unauthenticated`.
 * Sets `user` and `session` on the context; a session extended on this request gets a fresh
 * cookie so the browser's expiry follows the server's.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors";
import type { HonoEnv } from "../hono-env";
import { validateSessionToken } from "../services/identity/sessions";
import { readSessionCookie, setSessionCookie } from "./session-cookie";

export function requireUser(): MiddlewareHandler<HonoEnv> {
  return async function requireUserMiddleware(c, next) {
    const token = readSessionCookie(c);
    const result = token ? await validateSessionToken(c.get("db"), token) : null;
    if (!token || !result) throw new AppError("unauthenticated", "Sign in to continue.");
    c.set("user", result.user);
    c.set("session", result.session);
    if (result.extended) setSessionCookie(c, token, result.session.expiresAt);
    await next();
  };
}
