/**
 * `requireUser()`: the session cookie must name a live session, else 401 `unauthenticated`.
 * Sets `user`, `session` and `membership` (the current business and the role there, or null for
 * a person who belongs to none) on the context; a session extended on this request gets a fresh
 * cookie so the browser's expiry follows the server's.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors";
import type { HonoEnv } from "../hono-env";
import { type Role, validateSessionToken } from "../services/identity/sessions";
import { readSessionCookie, setSessionCookie } from "./session-cookie";

export function requireUser(): MiddlewareHandler<HonoEnv> {
  return async function requireUserMiddleware(c, next) {
    const token = readSessionCookie(c);
    const result = token ? await validateSessionToken(c.get("db"), token) : null;
    if (!token || !result) throw new AppError("unauthenticated", "Sign in to continue.");
    c.set("user", result.user);
    c.set("session", result.session);
    c.set("membership", result.membership);
    if (result.extended) setSessionCookie(c, token, result.session.expiresAt);
    await next();
  };
}

/**
 * `requireRole(...roles)`, after requireUser(): the person's role in the current business must be
 * one of `roles` (docs/architecture.md §7c), else 403 `forbidden`. Sets `businessId`.
 */
export function requireRole(...roles: Role[]): MiddlewareHandler<HonoEnv> {
  return async function requireRoleMiddleware(c, next) {
    const membership = c.get("membership");
    if (!membership) throw new AppError("forbidden", "You are not a member of a business yet. Accept an invitation or create a business.");
    if (!roles.includes(membership.role)) throw new AppError("forbidden", `This needs the ${roles.join(" or ")} role; you are ${membership.role === "admin" ? "an" : "a"} ${membership.role} here.`);
    c.set("businessId", membership.businessId);
    c.set("business", membership.business);
    await next();
  };
}

/** Everyone who belongs to the business: reads of calls, agents, numbers, appointments. */
export const ANY_MEMBER: Role[] = ["owner", "admin", "staff"];
/** Who may change agents, numbers and integrations: everything but billing and members. */
export const MANAGERS: Role[] = ["owner", "admin"];
