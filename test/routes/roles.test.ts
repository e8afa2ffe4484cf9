/**
 * Roles on every route (docs/architecture.md §7c): the whole route table is walked, and every
 * route must have a decision below. For each role-checked route, an owner, an admin and a staff
 * member of one business each call it: the roles it names get past the check (any answer but
 * 403), the others get 403 `forbidden` and change nothing; a person who belongs to no business
 * gets 403 too, and no session at all 401. A new route without a decision fails this test.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { agents, businesses, memberships } from "../../src/db/schema";
import { db } from "../support/db";
import { createMember, createUser } from "../support/factories";
import { call, errorOf } from "../support/http";

type Role = "owner" | "admin" | "staff";
const ALL: Role[] = ["owner", "admin", "staff"];
const MANAGERS: Role[] = ["owner", "admin"];
const OWNER: Role[] = ["owner"];

/** Who may call each route: a list of roles, or why no role is checked. */
const POLICY: Record<string, Role[] | "public" | "signed-in" | "ops-token" | "signed-webhook" | "sandbox"> = {
  "GET /api/ping": "public",
  "GET /api/health": "public",
  "POST /api/auth/signup": "public",
  "POST /api/auth/login": "public",
  "POST /api/auth/logout": "public",
  "POST /api/auth/password": "signed-in",
  "POST /api/auth/password-reset": "public",
  "POST /api/auth/password-reset/confirm": "public",
  "GET /api/me": "signed-in",
  "PATCH /api/me": "signed-in",
  "POST /api/session/business": "signed-in",
  "POST /api/businesses": "signed-in",
  "GET /api/business": ALL,
  "PATCH /api/business": MANAGERS,
  "DELETE /api/business": OWNER,
  "GET /api/export": OWNER,
  "GET /api/agents": ALL,
  "POST /api/agents": MANAGERS,
  "GET /api/agents/:id": ALL,
  "PATCH /api/agents/:id": MANAGERS,
  "DELETE /api/agents/:id": MANAGERS,
  "POST /api/generate": MANAGERS,
  "GET /api/voices": "signed-in",
  "GET /api/phone-numbers": ALL,
  "POST /api/phone-numbers": MANAGERS,
  "GET /api/phone-numbers/:id": ALL,
  "PATCH /api/phone-numbers/:id": MANAGERS,
  "DELETE /api/phone-numbers/:id": MANAGERS,
  "POST /api/phone-numbers/forwarding-test": MANAGERS,
  "GET /api/billing/packs": "public",
  "POST /api/billing/checkout": OWNER,
  "GET /api/credits": OWNER,
  "GET /api/calls": ALL,
  "GET /api/calls/:id": ALL,
  "PATCH /api/calls/:id": ALL,
  "GET /api/stats": ALL,
  "GET /api/insights/unanswered": ALL,
  "POST /api/insights/unanswered/dismissals": ALL,
  "POST /api/try": MANAGERS,
  "GET /api/auth/google": MANAGERS,
  "GET /api/auth/google/callback": "signed-in",
  "POST /api/auth/google/disconnect": MANAGERS,
  "GET /api/google/calendars": MANAGERS,
  "GET /api/google/calendar/availability": ALL,
  "POST /api/google/calendar/book": ALL,
  "GET /api/google/calendar/appointments": ALL,
  "GET /api/appointments": ALL,
  "POST /api/appointments/:id/cancel": ALL,
  "POST /api/appointments/:id/move": ALL,
  "GET /api/members": MANAGERS,
  "PATCH /api/members/:id": OWNER,
  // Owners remove anyone; every member may DELETE their own id (leaving: test/routes/members/members.test.ts).
  "DELETE /api/members/:id": OWNER,
  "POST /api/invitations": OWNER,
  "DELETE /api/invitations/:id": OWNER,
  "POST /api/invitations/lookup": "public",
  "POST /api/invitations/accept": "public",
  "GET /api/audit": OWNER,
  "POST /api/webhooks/vapi": "signed-webhook",
  "POST /api/webhooks/stripe": "signed-webhook",
  "POST /api/webhooks/twilio": "signed-webhook",
  // Texts are calls' business (docs §7c: staff handle calls and follow-ups), so staff read and reply.
  "GET /api/texts": ALL,
  "GET /api/texts/opt-outs": ALL,
  "POST /api/texts": ALL,
  "POST /api/knowledge/import": MANAGERS,
  "GET /api/knowledge/imports": MANAGERS,
  "GET /api/knowledge/imports/:id": MANAGERS,
  "PATCH /api/knowledge/imports/:id": MANAGERS,
  "GET /api/ops/dead-letters": "ops-token",
  "POST /api/ops/dead-letters/:id/replay": "ops-token",
  "GET /api/ops/undelivered": "ops-token",
  "POST /api/ops/undelivered/:id/replay": "ops-token",
  "POST /api/ops/google-tokens/reencrypt": "ops-token",
};

/** Every (method, path) the app serves under /api, from Hono's own route table. */
function servedRoutes(): string[] {
  const seen = new Set<string>();
  for (const route of app.routes) {
    if (route.method === "ALL" || !route.path.startsWith("/api/")) continue;
    if (route.path.startsWith("/api/sandbox")) continue;
    seen.add(`${route.method} ${route.path}`);
  }
  return [...seen].sort();
}

const fill = (path: string) => path.replace(/:[a-zA-Z]+/g, crypto.randomUUID());

async function team() {
  const owner = await createUser({ name: "Owner" });
  const admin = await createMember(owner.business.id, "admin");
  const staff = await createMember(owner.business.id, "staff");
  return { owner: owner.cookie, admin: admin.cookie, staff: staff.cookie };
}

describe("roles on every route", () => {
  it("every route the app serves has a decision, and every decision is a route", () => {
    const served = servedRoutes();
    expect(served.filter((route) => !(route in POLICY))).toEqual([]);
    expect(Object.keys(POLICY).filter((route) => !served.includes(route))).toEqual([]);
  });

  it("each role gets past exactly the routes its role may call; the others are 403 forbidden", async () => {
    const cookies = await team();
    const outcomes: string[] = [];
    for (const [route, allowed] of Object.entries(POLICY)) {
      if (!Array.isArray(allowed)) continue;
      const [method, path] = route.split(" ") as [string, string];
      for (const role of ALL) {
        const response = await call(fill(path), { method, cookie: cookies[role], ...(method === "GET" ? {} : { json: {} }) });
        const forbidden = response.status === 403 && (await errorOf(response.clone())).code === "forbidden";
        if (forbidden === allowed.includes(role)) outcomes.push(`${role} ${route}: ${response.status}`);
      }
    }
    expect(outcomes).toEqual([]);
  });

  it("a person who belongs to no business is 403 on every role-checked route, and no session is 401", async () => {
    const loner = await createUser();
    await db.delete(memberships).where(eq(memberships.userId, loner.user.id));
    const wrong: string[] = [];
    for (const [route, allowed] of Object.entries(POLICY)) {
      if (!Array.isArray(allowed)) continue;
      const [method, path] = route.split(" ") as [string, string];
      const json = method === "GET" ? {} : { json: {} };
      const signedIn = await call(fill(path), { method, cookie: loner.cookie, ...json });
      if (signedIn.status !== 403) wrong.push(`no business ${route}: ${signedIn.status}`);
      const anonymous = await call(fill(path), { method, ...json });
      if (anonymous.status !== 401) wrong.push(`no session ${route}: ${anonymous.status}`);
    }
    expect(wrong).toEqual([]);
    const me = (await (await call("/api/me", { cookie: loner.cookie })).json()) as { user: { business: unknown; businesses: unknown[] } };
    expect(me.user).toMatchObject({ business: null, businesses: [] });
  });
});

describe("roles inside a route", () => {
  it("the business's phone is an owner's or admin's to change, the low-credit threshold (billing) the owner's; a refusal changes nothing", async () => {
    const owner = await createUser({ phone: "+14155550100", lowCreditThreshold: 10 });
    const admin = await createMember(owner.business.id, "admin");
    const staff = await createMember(owner.business.id, "staff");
    const refused = [
      await call("/api/me", { method: "PATCH", cookie: staff.cookie, json: { phone: "+14155550111", name: "Sam" } }),
      await call("/api/me", { method: "PATCH", cookie: admin.cookie, json: { lowCreditThreshold: 99 } }),
      await call("/api/business", { method: "PATCH", cookie: admin.cookie, json: { lowCreditThreshold: 99 } }),
    ];
    for (const response of refused) {
      expect(response.status).toBe(403);
      expect((await errorOf(response)).code).toBe("forbidden");
    }
    const [business] = await db.select().from(businesses).where(eq(businesses.id, owner.business.id));
    expect(business).toMatchObject({ phone: "+14155550100", lowCreditThreshold: 10 });
    // Their own name is theirs, whatever the role.
    expect((await call("/api/me", { method: "PATCH", cookie: staff.cookie, json: { name: "Sam" } })).status).toBe(200);
    const renamed = await call("/api/business", { method: "PATCH", cookie: admin.cookie, json: { name: "Bella Hair Studio" } });
    expect(await renamed.json()).toMatchObject({ business: { name: "Bella Hair Studio" } });
  });

  it("auto top-up is the owner's: admins and staff get 403 forbidden and nothing changes", async () => {
    const owner = await createUser();
    const admin = await createMember(owner.business.id, "admin");
    const staff = await createMember(owner.business.id, "staff");
    const change = { autoTopUp: { enabled: false, packId: "starter", whenBelow: 20, monthlyCapCents: 5000 } };
    for (const cookie of [admin.cookie, staff.cookie]) {
      const response = await call("/api/business", { method: "PATCH", cookie, json: change });
      expect(response.status).toBe(403);
      expect((await errorOf(response)).code).toBe("forbidden");
    }
    const [business] = await db.select().from(businesses).where(eq(businesses.id, owner.business.id));
    expect(business).toMatchObject({ autoTopUpPackId: null, autoTopUpWhenBelow: null, autoTopUpMonthlyCapCents: null });
    const saved = await call("/api/business", { method: "PATCH", cookie: owner.cookie, json: change });
    expect(await saved.json()).toMatchObject({ business: { autoTopUp: { enabled: false, packId: "starter", whenBelow: 20, monthlyCapCents: 5000, paused: null, card: null } } });
  });

  it("another business's agent is 404 to every role, its own is readable by staff and writable by managers only", async () => {
    const mine = await createUser();
    const theirs = await createUser();
    const staff = await createMember(mine.business.id, "staff");
    const [agent] = await db.insert(agents).values({ businessId: theirs.business.id, vapiAssistantId: `asst-${crypto.randomUUID()}`, name: "Theirs", greeting: "Hi" }).returning();
    for (const cookie of [mine.cookie, staff.cookie]) {
      expect((await call(`/api/agents/${agent?.id}`, { cookie })).status).toBe(404);
      expect((await call(`/api/agents/${agent?.id}`, { method: "PATCH", cookie, json: { name: "Mine now" } })).status).toBe(cookie === staff.cookie ? 403 : 404);
    }
    const [own] = await db.insert(agents).values({ businessId: mine.business.id, vapiAssistantId: `asst-${crypto.randomUUID()}`, name: "Ours", greeting: "Hi" }).returning();
    expect((await call(`/api/agents/${own?.id}`, { cookie: staff.cookie })).status).toBe(200);
    expect((await call(`/api/agents/${own?.id}`, { method: "DELETE", cookie: staff.cookie })).status).toBe(403);
    expect(await db.select().from(agents).where(eq(agents.id, own?.id ?? ""))).toHaveLength(1);
  });

  it("a person in two businesses switches between them; the session remembers, and a business they are not in is 404", async () => {
    const first = await createUser({ name: "Salon" });
    const second = await createUser({ name: "Clinic" });
    const both = await createMember(first.business.id, "staff");
    await db.insert(memberships).values({ businessId: second.business.id, userId: both.user.id, role: "admin" });
    const me = async () => ((await (await call("/api/me", { cookie: both.cookie })).json()) as { user: { business: { id: string; role: string }; businesses: { id: string }[] } }).user;
    expect((await me()).business).toMatchObject({ id: first.business.id, role: "staff" });
    expect((await me()).businesses.map((b) => b.id).sort()).toEqual([first.business.id, second.business.id].sort());
    const switched = await call("/api/session/business", { method: "POST", cookie: both.cookie, json: { businessId: second.business.id } });
    expect(switched.status).toBe(200);
    expect(await switched.json()).toMatchObject({ user: { business: { id: second.business.id, role: "admin" } } });
    expect((await me()).business).toMatchObject({ id: second.business.id, role: "admin" });
    const stranger = await createUser();
    const refused = await call("/api/session/business", { method: "POST", cookie: both.cookie, json: { businessId: stranger.business.id } });
    expect(refused.status).toBe(404);
    expect((await me()).business).toMatchObject({ id: second.business.id });
    // Removed from the business the session is in: the next request lands in the other one.
    await db.delete(memberships).where(and(eq(memberships.userId, both.user.id), eq(memberships.businessId, second.business.id)));
    expect((await me()).business).toMatchObject({ id: first.business.id, role: "staff" });
  });
});
