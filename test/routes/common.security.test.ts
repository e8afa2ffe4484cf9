/**
 * The shared auth / origin / other-user checks (test/support/route-checks.ts) for every route
 * of the API, from one table; a route the app registers but the table lacks fails the last test,
 * so a new route cannot skip them.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { agents, calls, phoneNumbers } from "../../src/db/schema";
import { db } from "../support/db";
import { type ForeignResource, type RouteUnderTest, runCommonRouteTests } from "../support/route-checks";

async function foreignAgent(ownerId: string): Promise<ForeignResource> {
  const [row] = await db
    .insert(agents)
    .values({ userId: ownerId, vapiAssistantId: `asst-${crypto.randomUUID()}`, name: "Their Desk", greeting: "Hello, theirs." })
    .returning();
  if (!row) throw new Error("no agent");
  return { id: row.id, snapshot: () => db.select().from(agents).where(eq(agents.id, row.id)) };
}

async function foreignNumber(ownerId: string): Promise<ForeignResource> {
  const digits = String(Math.floor(Math.random() * 1e7)).padStart(7, "0");
  const [row] = await db
    .insert(phoneNumbers)
    .values({ userId: ownerId, vapiPhoneNumberId: `pn-${crypto.randomUUID()}`, e164: `+1628${digits}`, status: "active" })
    .returning();
  if (!row) throw new Error("no number");
  return { id: row.id, snapshot: () => db.select().from(phoneNumbers).where(eq(phoneNumbers.id, row.id)) };
}

async function foreignCall(ownerId: string): Promise<ForeignResource> {
  const [row] = await db.insert(calls).values({ userId: ownerId, vapiCallId: `call-${crypto.randomUUID()}`, status: "ended" }).returning();
  if (!row) throw new Error("no call");
  return { id: row.id, snapshot: () => db.select().from(calls).where(eq(calls.id, row.id)) };
}

const password = "a perfectly long passphrase";

/** Every route but the webhooks (signed, not signed in: their own security tests) and /api/ping. */
const ROUTES: RouteUnderTest[] = [
  { method: "GET", path: "/api/health", auth: false },
  { method: "POST", path: "/api/auth/signup", auth: false, body: { email: "route-checks@example.test", password } },
  { method: "POST", path: "/api/auth/login", auth: false, body: { email: "route-checks@example.test", password } },
  { method: "POST", path: "/api/auth/logout", auth: false },
  { method: "POST", path: "/api/auth/password", body: { currentPassword: password, newPassword: `${password}!` } },
  { method: "POST", path: "/api/auth/password-reset", auth: false, body: { email: "route-checks@example.test" } },
  { method: "POST", path: "/api/auth/password-reset/confirm", auth: false, body: { token: "x".repeat(43), newPassword: password } },
  { method: "GET", path: "/api/me" },
  { method: "PATCH", path: "/api/me", body: { name: "Changed" } },
  { method: "GET", path: "/api/agents" },
  { method: "POST", path: "/api/agents", body: { name: "Front Desk", greeting: "Hello!" } },
  { method: "GET", path: "/api/agents/:id", foreign: foreignAgent },
  { method: "PATCH", path: "/api/agents/:id", body: { name: "Taken over" }, foreign: foreignAgent },
  { method: "DELETE", path: "/api/agents/:id", foreign: foreignAgent },
  { method: "POST", path: "/api/generate", body: { kind: "greeting", businessDescription: "A dental clinic in Leeds, open on weekdays." } },
  { method: "GET", path: "/api/voices" },
  { method: "GET", path: "/api/phone-numbers" },
  { method: "POST", path: "/api/phone-numbers", body: {} },
  { method: "GET", path: "/api/phone-numbers/:id", foreign: foreignNumber },
  { method: "PATCH", path: "/api/phone-numbers/:id", body: { agentId: null }, foreign: foreignNumber },
  { method: "DELETE", path: "/api/phone-numbers/:id", foreign: foreignNumber },
  { method: "GET", path: "/api/billing/packs", auth: false },
  { method: "POST", path: "/api/billing/checkout", body: { packId: "starter" } },
  { method: "GET", path: "/api/credits" },
  { method: "GET", path: "/api/calls" },
  { method: "GET", path: "/api/calls/:id", foreign: foreignCall },
  { method: "GET", path: "/api/stats" },
  { method: "GET", path: "/api/insights/unanswered" },
];

/** Answered before any session or Origin is looked at, by design. */
const EXEMPT = [/^\/api\/ping$/, /^\/api\/webhooks\//];

for (const route of ROUTES) runCommonRouteTests(route);

describe("the table", () => {
  it("covers every route the app registers", () => {
    const registered = app.routes
      .filter((route) => ["GET", "POST", "PATCH", "PUT", "DELETE"].includes(route.method))
      .map((route) => `${route.method} ${route.path}`)
      .filter((route) => !EXEMPT.some((pattern) => pattern.test(route.split(" ")[1] ?? "")));
    const covered = new Set(ROUTES.map((route) => `${route.method} ${route.path}`));
    expect([...new Set(registered)].filter((route) => !covered.has(route))).toEqual([]);
  });
});
