/**
 * The device cookie (ADR 0010): HttpOnly, Secure, SameSite=Strict, sent only to /api/auth, for
 * 180 days, replaced on every successful sign-in. It holds the token of
 * services/identity/device-cookies.ts; this module only reads and writes it, so the services
 * never touch HTTP. Sign-out leaves it: it marks the browser, not the session.
 */
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";

export const DEVICE_COOKIE = "device";

// Strict: only the dashboard's own login sends it; no cross-site request ever needs it.
const ATTRIBUTES = { httpOnly: true, secure: true, sameSite: "Strict", path: "/api/auth" } as const;

export function readDeviceCookie(c: Context): string | undefined {
  return getCookie(c, DEVICE_COOKIE);
}

export function setDeviceCookie(c: Context, device: { token: string; expiresAt: Date } | null) {
  if (device) setCookie(c, DEVICE_COOKIE, device.token, { ...ATTRIBUTES, expires: device.expiresAt });
}
