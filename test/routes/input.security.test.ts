/**
 * Hostile text on every route that takes text (docs/architecture.md §13): a NUL (which Postgres refuses) or
 * another control character is a 400 naming the field, never a 500; single-line fields refuse
 * line breaks, multi-line fields keep them; a JSON route refuses a body that is not declared
 * JSON with 415; a cursor that is not ours is a 400.
 */
import { describe, expect, it } from "vitest";
import { signUp } from "../support/accounts";
import { agentInput, createAgentVia, weekdayHours } from "../support/agents";
import { createUser, uniqueEmail } from "../support/factories";
import { call, errorOf } from "../support/http";

const NUL = "bad\u0000value";

type Case = { method: string; path: string; body: Record<string, unknown>; field: string; needsUser?: boolean };

function withValue(body: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  const keys = path.split(".");
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys.at(-1) as string] = value;
  return copy;
}

const agentBody = agentInput({
  systemPrompt: "Be kind.",
  voice: { provider: "vapi", voiceId: "Elliot" },
  transferNumber: "+14155550123",
  booking: { enabled: false, calendarId: "primary", appointmentMinutes: 30, businessHours: weekdayHours, timezone: "America/Chicago" },
});

function cases(): Case[] {
  const signup = { email: uniqueEmail(), password: "long enough password", name: "Dana", timezone: "UTC" };
  const generate = { kind: "faq", businessDescription: "A hair salon in Austin with four stylists.", agentName: "Bella", tone: "warm" };
  return [
    ...["email", "password", "name", "timezone"].map((field) => ({ method: "POST", path: "/api/auth/signup", body: signup, field })),
    ...["email", "password"].map((field) => ({ method: "POST", path: "/api/auth/login", body: { email: uniqueEmail(), password: "whatever it is" }, field })),
    ...["currentPassword", "newPassword"].map((field) => ({
      method: "POST", path: "/api/auth/password", body: { currentPassword: "old password!", newPassword: "new password!" }, field, needsUser: true,
    })),
    { method: "POST", path: "/api/auth/password-reset", body: { email: uniqueEmail() }, field: "email" },
    ...["token", "newPassword"].map((field) => ({
      method: "POST", path: "/api/auth/password-reset/confirm", body: { token: "a".repeat(43), newPassword: "new password!" }, field,
    })),
    ...["name", "phone", "timezone"].map((field) => ({ method: "PATCH", path: "/api/me", body: { name: "Dana", phone: "+14155550100", timezone: "UTC" }, field, needsUser: true })),
    ...[
      "name", "greeting", "businessDescription", "systemPrompt", "policies", "faq.0.question", "faq.0.answer", "voice.provider", "voice.voiceId",
      "transferNumber", "booking.calendarId", "booking.timezone", "booking.businessHours.mon.0.start",
    ].map((field) => ({ method: "POST", path: "/api/agents", body: agentBody, field, needsUser: true })),
    ...["businessDescription", "agentName", "tone"].map((field) => ({ method: "POST", path: "/api/generate", body: generate, field, needsUser: true })),
    { method: "POST", path: "/api/knowledge/import", body: { url: "https://bellahair.example/" }, field: "url", needsUser: true },
    { method: "POST", path: "/api/phone-numbers", body: { areaCode: "415" }, field: "areaCode", needsUser: true },
    { method: "POST", path: "/api/billing/checkout", body: { packId: "starter" }, field: "packId", needsUser: true },
    ...["name", "notes"].map((field) => ({
      method: "POST", path: "/api/google/calendar/book", body: { agentId: crypto.randomUUID(), start: "2030-05-14T09:00:00Z", name: "Jane", notes: "Back door" }, field, needsUser: true,
    })),
  ];
}

describe("NUL and control characters in any text field", () => {
  it("every text field of every JSON route answers 400 naming the field, and nothing is written", async () => {
    const { cookie } = await createUser();
    for (const item of cases()) {
      const body = withValue(item.body, item.field, NUL);
      const response = await call(item.path, { method: item.method, json: body, cookie: item.needsUser ? cookie : undefined });
      const label = `${item.method} ${item.path} ${item.field}`;
      expect(response.status, label).toBe(400);
      const error = await errorOf(response);
      expect(error.code, label).toBe("validation_failed");
      expect(error.message.startsWith(`${item.field}: `), `${label}: ${error.message}`).toBe(true);
    }
    const agents = (await (await call("/api/agents", { cookie })).json()) as { agents: unknown[] };
    expect(agents.agents).toEqual([]);
  });

  it("PATCH /api/agents/:id refuses NUL in its fields too, and the agent keeps its values", async () => {
    const { cookie } = await signUp();
    const agent = await createAgentVia(cookie);
    for (const body of [{ name: NUL }, { greeting: NUL }, { faq: [{ question: "q", answer: NUL }] }, { booking: { calendarId: NUL } }]) {
      const response = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: body });
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    const after = (await (await call(`/api/agents/${agent.id}`, { cookie })).json()) as { agent: { name: string; greeting: string } };
    expect(after.agent).toMatchObject({ name: agent.name, greeting: agent.greeting });
  });

  it("single-line fields refuse line breaks and other controls; multi-line fields keep line breaks", async () => {
    for (const name of ["Dana\nACTION REQUIRED: call +1 555 0100", "Dana\r\nX", "Dana\u2028X", "Dana\tX", "Dana\u001bX", "Dana\u0085X"]) {
      const response = await call("/api/auth/signup", { method: "POST", json: { email: uniqueEmail(), password: "long enough password", name } });
      expect(response.status, JSON.stringify(name)).toBe(400);
      expect((await errorOf(response)).message).toBe("name: must be one line of text, without line breaks or control characters");
    }
    const { cookie } = await signUp();
    expect((await call("/api/me", { method: "PATCH", cookie, json: { name: "Line\nbreak" } })).status).toBe(400);
    const agent = await createAgentVia(cookie, { greeting: "Hello!\nHow can I help?", businessDescription: "Line one.\r\nLine two.\tTabbed." });
    expect(agent.greeting).toBe("Hello!\nHow can I help?");
    const refused = await call("/api/agents", { method: "POST", cookie, json: agentInput({ name: "Two\nlines" }) });
    expect(refused.status).toBe(400);
    expect((await errorOf(refused)).message).toBe("name: must be one line of text, without line breaks or control characters");
  });
});

describe("JSON routes need a JSON body", () => {
  it("a missing or wrong Content-Type is 415 unsupported_media_type, not a missing-field error", async () => {
    const body = JSON.stringify({ email: uniqueEmail(), password: "long enough password" });
    for (const headers of [{} as Record<string, string>, { "content-type": "text/plain" }, { "content-type": "application/x-www-form-urlencoded" }, { "content-type": "multipart/form-data; boundary=x" }]) {
      const response = await call("/api/auth/signup", { method: "POST", body, headers });
      expect(response.status, JSON.stringify(headers)).toBe(415);
      const error = await errorOf(response);
      expect(error.code).toBe("unsupported_media_type");
      expect(error.message).toMatch(/^The body must be JSON/);
    }
    const { cookie } = await createUser();
    const patched = await call("/api/me", { method: "PATCH", cookie, body: JSON.stringify({ name: "X" }), headers: { "content-type": "text/plain" } });
    expect(patched.status).toBe(415);
  });

  it("application/json with a charset, and +json types, are accepted", async () => {
    for (const contentType of ["application/json; charset=utf-8", "Application/JSON", "application/vnd.api+json"]) {
      const body = JSON.stringify({ email: uniqueEmail(), password: "long enough password" });
      const response = await call("/api/auth/signup", { method: "POST", body, headers: { "content-type": contentType } });
      expect(response.status, contentType).toBe(201);
    }
  });
});

describe("cursors", () => {
  it("a cursor that decodes to an impossible date, or is not ours, is 400 and never a 500", async () => {
    const { cookie } = await createUser();
    const encode = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const impossible = [
      "2026-13-45T25:61:61.000000Z|00000000-0000-4000-8000-000000000000",
      "2026-02-30T10:00:00.000000Z|00000000-0000-4000-8000-000000000000",
      "0000-01-01T00:00:00.000000Z|00000000-0000-4000-8000-000000000000",
    ].map(encode);
    for (const cursor of [...impossible, "%00", "not-a-cursor", encode("\u0000")]) {
      const response = await call(`/api/credits?cursor=${encodeURIComponent(cursor)}`, { cookie });
      expect(response.status, cursor).toBe(400);
      expect((await errorOf(response)).message).toBe("cursor: is not a cursor this API gave out");
    }
  });
});

describe("Object.prototype names on every route (issue 18 item 10, beyond the webhook)", () => {
  // "__proto__", "constructor", "toString", …: as JSON keys (spliced into the text, since an
  // object literal would not carry "__proto__" as a key), as query parameter names and as header
  // names. Each is unknown input: never a 500, and Object.prototype is never touched.
  const names = Object.getOwnPropertyNames(Object.prototype);
  const routes: { method: string; path: string; body?: Record<string, unknown> }[] = [
    { method: "POST", path: "/api/auth/signup", body: { email: uniqueEmail(), password: "long enough password" } },
    { method: "POST", path: "/api/auth/login", body: { email: uniqueEmail(), password: "long enough password" } },
    { method: "POST", path: "/api/auth/password", body: { currentPassword: "old password!", newPassword: "new password!" } },
    { method: "POST", path: "/api/auth/password-reset", body: { email: uniqueEmail() } },
    { method: "POST", path: "/api/auth/password-reset/confirm", body: { token: "a".repeat(43), newPassword: "new password!" } },
    { method: "PATCH", path: "/api/me", body: { name: "Dana" } },
    { method: "POST", path: "/api/agents", body: agentBody },
    { method: "POST", path: "/api/generate", body: { kind: "greeting", businessDescription: "A dental clinic in Leeds, open on weekdays." } },
    { method: "POST", path: "/api/phone-numbers", body: { areaCode: "415" } },
    { method: "POST", path: "/api/billing/checkout", body: { packId: "starter" } },
    { method: "POST", path: "/api/google/calendar/book", body: { agentId: crypto.randomUUID(), start: "2030-05-14T09:00:00Z", name: "Jane" } },
    { method: "GET", path: "/api/calls" },
    { method: "GET", path: "/api/credits" },
    { method: "GET", path: "/api/phone-numbers" },
    { method: "GET", path: "/api/google/calendar/availability" },
    { method: "GET", path: "/api/google/calendar/appointments" },
    { method: "GET", path: "/api/stats" },
  ];

  it("as JSON keys (top level and nested), query names and header names: never a 500, nothing polluted", async () => {
    const { cookie } = await createUser();
    const hostile = names.map((name) => `${JSON.stringify(name)}:{"polluted":"yes","isAdmin":true}`).join(",");
    for (const route of routes) {
      const query = names.map((name) => `${encodeURIComponent(name)}=x&${encodeURIComponent(name)}[polluted]=yes`).join("&");
      const headers: Record<string, string> = Object.fromEntries(names.map((name) => [name, "yes"]));
      const bodies = route.body
        ? [`{${hostile},${JSON.stringify(route.body).slice(1)}`, JSON.stringify(route.body).replace(/\}$/, `,"booking":{${hostile}},"faq":[{${hostile}}]}`)]
        : [undefined];
      for (const body of bodies) {
        const response = await call(`${route.path}?${query}`, { method: route.method, cookie, headers, ...(body ? { body, headers: { ...headers, "content-type": "application/json" } } : {}) });
        expect(response.status, `${route.method} ${route.path}`).toBeLessThan(500);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});
