/**
 * Google in tests: the stand-in (dev/stand-ins/google.mjs) driven over HTTP as Google would be
 * by a browser and our worker, agents that take bookings, and a connected user.
 */
import { eq } from "drizzle-orm";
import { loadConfig } from "../../src/config/env";
import { agents, googleConnections } from "../../src/db/schema";
import { requireGoogleSettings } from "../../src/integrations/google/oauth";
import { createLogger } from "../../src/lib/logger";
import type { Agent } from "../../src/services/agents/view";
import type { GoogleDeps } from "../../src/services/google";
import { saveConnection } from "../../src/services/google/connection";
import { db } from "./db";
import { testEnv } from "./env";
import { createUser } from "./factories";
import { standIn } from "./stand-ins";

export const google = standIn("google");
export const config = loadConfig(testEnv);

export function googleDeps(now: Date | (() => Date)): GoogleDeps {
  return { db, config, logger: createLogger({ test: "google" }, "error"), now: typeof now === "function" ? now : () => now, google: () => requireGoogleSettings(config) };
}

export const SCOPES = "openid email https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.events.freebusy https://www.googleapis.com/auth/spreadsheets";

/**
 * Clicks Allow on the stand-in's consent page (as a browser would) and exchanges the code: as
 * the sandbox account, or as the account `loginHint` names (a grant of its own: revoking any
 * token of an account ends every token of it, as at Google).
 */
export async function issueTokens(scope = SCOPES, loginHint?: string) {
  const redirectUri = `${config.APP_URL}/api/auth/google/callback`;
  const decision = await fetch(`${google.url}/o/oauth2/v2/auth/decision`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: config.GOOGLE_CLIENT_ID as string, redirect_uri: redirectUri, response_type: "code", scope, access_type: "offline", decision: "allow", ...(loginHint ? { login_hint: loginHint } : {}) }),
  });
  const code = new URL(decision.headers.get("location") as string).searchParams.get("code") as string;
  const token = await fetch(`${google.url}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri, client_id: config.GOOGLE_CLIENT_ID as string, client_secret: config.GOOGLE_CLIENT_SECRET as string }),
  });
  const body = (await token.json()) as { access_token: string; refresh_token: string; expires_in: number };
  return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresInMs: body.expires_in * 1000 };
}

/** A user whose Google account is connected (tokens from the stand-in), as of `now`. */
export async function connectedUser(now: Date, overrides: Parameters<typeof createUser>[0] = {}) {
  const created = await createUser(overrides);
  const tokens = await issueTokens();
  const connection = await saveConnection(googleDeps(now), created.user.id, { email: "owner.sandbox@gmail.com", scopes: SCOPES.split(" "), ...tokens });
  return { ...created, connection, tokens };
}

export async function connectionRow(businessId: string) {
  const [row] = await db.select().from(googleConnections).where(eq(googleConnections.businessId, businessId));
  return row;
}

/** An agent that takes bookings; its calendar is its own (so test files never share busy time). */
export async function bookingAgent(businessId: string, overrides: Partial<typeof agents.$inferInsert> = {}): Promise<Agent> {
  const [agent] = await db
    .insert(agents)
    .values({
      businessId,
      vapiAssistantId: `asst_test_${crypto.randomUUID()}`,
      name: "Front Desk",
      greeting: "Hello!",
      bookingEnabled: true,
      calendarId: "primary",
      appointmentMinutes: 30,
      bufferMinutes: 0,
      minNoticeMinutes: 60,
      horizonDays: 30,
      timezone: "America/New_York",
      businessHours: { mon: [{ start: "09:00", end: "17:00" }], tue: [{ start: "09:00", end: "17:00" }], wed: [{ start: "09:00", end: "17:00" }], thu: [{ start: "09:00", end: "17:00" }], fri: [{ start: "09:00", end: "17:00" }] },
      ...overrides,
    })
    .returning();
  if (!agent) throw new Error("agent insert returned nothing");
  return agent;
}

/** A calendar of its own for one test (Google's calendars.insert), so busy time never leaks between tests. */
export async function ownCalendar(accessToken: string): Promise<string> {
  const response = await fetch(`${google.url}/calendar/v3/calendars`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ summary: "test calendar" }),
  });
  return ((await response.json()) as { id: string }).id;
}

/** Puts an event straight into the stand-in's calendar, as the owner would in Google Calendar. */
export async function putEvent(accessToken: string, calendarId: string, start: string, end: string, extra: Record<string, unknown> = {}) {
  const response = await fetch(`${google.url}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`, {
    method: "POST",
    headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
    body: JSON.stringify({ summary: "Busy", start: { dateTime: start }, end: { dateTime: end }, ...extra }),
  });
  if (!response.ok) throw new Error(`putEvent: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string };
}

export async function calendarEvents(accessToken: string, calendarId = "primary") {
  const response = await fetch(`${google.url}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events?showDeleted=true`, { headers: { authorization: `Bearer ${accessToken}` } });
  return ((await response.json()) as { items: { id: string; status: string; start: { dateTime: string }; end: { dateTime: string }; summary: string; description: string; attendees?: { email: string }[]; extendedProperties?: { private?: Record<string, string> } }[] }).items;
}
