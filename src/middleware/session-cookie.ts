/**
 * The session cookie (docs/architecture.md §13): HttpOnly, Secure, SameSite=Lax, for the whole site. It holds
 * the session's random token; services/identity/sessions.ts keeps only the session rows (the
 * token's SHA-256), so the services never touch HTTP.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

export const SESSION_COOKIE = "session";

const ATTRIBUTES = { httpOnly: true, secure: true, sameSite: "Lax", path: "/" } as const;

/** The token the browser presented, if any. */
export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE);
}

export function setSessionCookie(c: Context, token: string, expiresAt: Date) {
  setCookie(c, SESSION_COOKIE, token, { ...ATTRIBUTES, expires: expiresAt });
}

export function clearSessionCookie(c: Context) {
  deleteCookie(c, SESSION_COOKIE, ATTRIBUTES);
}
