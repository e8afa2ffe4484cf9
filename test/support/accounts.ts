/** Signs up through the API, as the dashboard does, and hands back the session cookie. */
import { expect } from "vitest";
import { uniqueEmail } from "./factories";
import { call, sessionCookieFrom } from "./http";

export const TEST_PASSWORD = "correct horse battery staple";

export async function signUp(overrides: { email?: string; password?: string; name?: string; businessName?: string; timezone?: string } = {}) {
  const email = overrides.email ?? uniqueEmail("signup");
  const password = overrides.password ?? TEST_PASSWORD;
  const response = await call("/api/auth/signup", { method: "POST", json: { name: "Dana Owner", ...overrides, email, password } });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { user: { id: string; email: string; business: { id: string } | null } };
  const businessId = body.user.business?.id;
  if (!businessId) throw new Error("sign-up answered without the new business");
  return { email, password, user: body.user, businessId, cookie: sessionCookieFrom(response), response };
}

export async function logIn(email: string, password: string, headers: Record<string, string> = {}) {
  return call("/api/auth/login", { method: "POST", json: { email, password }, headers });
}
