import type { Vapi } from "@vapi-ai/server-sdk";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { agents, appSettings, phoneNumbers } from "../../../src/db/schema";
import { createVapiClient } from "../../../src/integrations/vapi/client";
import { createAgent, updateAgent } from "../../../src/services/agents";
import { CREDENTIAL_SETTING_KEY } from "../../../src/services/vapi/webhook-credential-id";
import { agentInput, createAgentVia, databaseError, failingWrites, lostResponses, racingUpdates, recordingLogger, weekdayHours } from "../../support/agents";
import { expectConsoleError } from "../../support/console-trap";
import { db } from "../../support/db";
import { envWith, testEnv } from "../../support/env";
import { createUser } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { assistantAtVapi, vapi, vapiRequests, vapiState } from "../../support/vapi";
import { vapiError } from "../../support/vendor-errors";

async function agentRows(businessId: string) {
  return db.select().from(agents).where(eq(agents.businessId, businessId));
}


/** +1 900 555 1234 (premium rate) and +1 876 (Jamaica behind +1) in every spelling an outsider might try. */
const PREMIUM_SPELLINGS = [
  "+1 900 555 1234", "+1-900-555-1234", "+1 (900) 555-1234", "001 900 555 1234", "0019005551234", "0119005551234", "9005551234", "(900) 555-1234",
  "\uFF0B\uFF11\uFF19\uFF10\uFF10\uFF15\uFF15\uFF15\uFF11\uFF12\uFF13\uFF14", "+\u0661\u0669\u0660\u0660\u0665\u0665\u0665\u0661\u0662\u0663\u0664",
  "+19005551234 ", " +19005551234\t", "tel:+19005551234", "+19005551234;ext=1", "+14155550123;ext=900", "+14155550123,900", "+1 876 555 0123", "+18765550123",
];

describe("when Vapi refuses", () => {
  it("a 4xx on create stores nothing and returns Vapi's reason as 502 vapi_error", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const { user, cookie } = await createUser();
    await vapi.fault({
      method: "POST",
      path: "/assistant",
      status: 400,
      body: { message: ["voice.voiceId must be one of the following values: Elliot, Kylie"], error: "Bad Request", statusCode: 400 },
    });
    const response = await call("/api/agents", { method: "POST", cookie, json: agentInput() });
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error.code).toBe("vapi_error");
    expect(error.message).toContain("voice.voiceId must be one of the following values");
    expect(error.details).toMatchObject({ vapiStatus: 400 });
    expect(await agentRows(user.id)).toEqual([]);
  });

  it("a 5xx that persists after the client's retry stores nothing either", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const { user, cookie } = await createUser();
    const mark = await vapi.mark();
    await vapi.fault({ method: "POST", path: "/assistant", status: 503, times: 2, body: vapiError(503, "Service Unavailable") });
    const response = await call("/api/agents", { method: "POST", cookie, json: agentInput() });
    expect(response.status).toBe(502);
    expect((await errorOf(response)).message).toContain("Service Unavailable");
    expect(await vapiRequests(mark, "POST", "/assistant")).toHaveLength(2);
    expect(await agentRows(user.id)).toEqual([]);
  });

  it("a refused update leaves the row as it was", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const { user, cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    await vapi.fault({ method: "PATCH", path: "/assistant/", status: 400, body: vapiError(400, ["model.messages.0.content must be a string"]) });
    const response = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { greeting: "Changed" } });
    expect(response.status).toBe(502);
    expect((await errorOf(response)).message).toContain("model.messages.0.content must be a string");
    const [row] = await agentRows(user.id);
    expect(row?.greeting).toBe(agent.greeting);
  });

  it("a refused delete keeps the agent", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const { user, cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    await vapi.fault({ method: "DELETE", path: "/assistant/", status: 409, body: vapiError(409, "Assistant is in use by a squad") });
    const response = await call(`/api/agents/${agent.id}`, { method: "DELETE", cookie });
    expect(response.status).toBe(502);
    expect((await errorOf(response)).message).toContain("Assistant is in use by a squad");
    expect(await agentRows(user.id)).toHaveLength(1);
  });
});

describe("when our database fails after Vapi succeeded", () => {
  const config = loadConfig(envWith({ VAPI_CREDENTIAL_ID: "cred-db-failure" }));

  it("create deletes the assistant it just made, and says nothing was created", async () => {
    const { user } = await createUser();
    const logger = recordingLogger();
    const before = (await vapiState()).assistants.length;
    const mark = await vapi.mark();
    const deps = { db: failingWrites(db), config, logger, vapi: () => createVapiClient(config) };
    await expect(createAgent(deps, user, agentInput())).rejects.toMatchObject({ code: "internal_error", message: expect.stringContaining("nothing was created") });

    expect(await vapiRequests(mark, "POST", "/assistant")).toHaveLength(1);
    const deletes = await vapiRequests(mark, "DELETE", "/assistant/");
    expect(deletes).toHaveLength(1);
    const deletedId = deletes[0]?.path.split("/").pop() ?? "";
    expect(deletedId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await assistantAtVapi(deletedId)).toBeUndefined();
    expect((await vapiState()).assistants).toHaveLength(before);
    expect(await agentRows(user.id)).toEqual([]);
    const logged = JSON.stringify(logger.entries);
    expect(logged).toContain("assistant deleted");
    expect(logged).not.toContain("SECRET-PARAMS");
  });

  it("create whose insert committed but whose answer was lost keeps the agent and its assistant (read back before deleting)", async () => {
    const { user } = await createUser();
    const logger = recordingLogger();
    const mark = await vapi.mark();
    const deps = { db: lostResponses(db), config, logger, vapi: () => createVapiClient(config) };
    const agent = await createAgent(deps, user, agentInput());

    expect(await vapiRequests(mark, "DELETE", "/assistant/")).toEqual([]);
    const [row] = await agentRows(user.id);
    expect(row).toEqual(agent);
    expect(await assistantAtVapi(row?.vapiAssistantId ?? "")).toMatchObject({ metadata: { agentId: agent.id } });
    expect(logger.entries).toContainEqual(expect.objectContaining({ level: "warn", msg: "agent insert answered an error but the row was written; kept" }));
  });

  it("create whose insert and read-back both fail leaves the assistant to the hourly sweep, and says so", async () => {
    const { user } = await createUser();
    const logger = recordingLogger();
    const mark = await vapi.mark();
    const down = new Proxy(db, {
      get(target, property, receiver) {
        if (property === "insert" || property === "select") return failingWrites(target, databaseError(), ["insert"]).insert;
        return Reflect.get(target, property, receiver);
      },
    });
    const deps = { db: down, config, logger, vapi: () => createVapiClient(config) };
    await expect(createAgent(deps, user, agentInput())).rejects.toMatchObject({ code: "internal_error", message: expect.stringContaining("Reload your agents") });
    expect(await vapiRequests(mark, "DELETE", "/assistant/")).toEqual([]);
    const [created] = await vapiRequests(mark, "POST", "/assistant");
    expect(created).toBeDefined();
    expect(await agentRows(user.id)).toEqual([]);
    expect(logger.entries).toContainEqual(expect.objectContaining({ level: "error", msg: expect.stringContaining("left to the sweep") }));
  });

  it("update puts the assistant back as the stored row describes it", async () => {
    const { user, cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    const mark = await vapi.mark();
    const deps = { db: failingWrites(db), config, logger: recordingLogger(), vapi: () => createVapiClient(config) };
    await expect(updateAgent(deps, user.id, agent.id, { greeting: "Never saved" })).rejects.toMatchObject({ code: "internal_error" });

    const patches = await vapiRequests(mark, "PATCH", `/assistant/${agent.vapiAssistantId}`);
    expect(patches.map((p) => (p.body as Vapi.CreateAssistantDto).firstMessage)).toEqual([expect.stringMatching(/ Never saved$/), agent.firstMessage]);
    expect((await assistantAtVapi(agent.vapiAssistantId))?.firstMessage).toBe(agent.firstMessage);
    expect((await agentRows(user.id))[0]?.greeting).toBe(agent.greeting);
  });
});

describe("when another request changes the agent at the same time", () => {
  it("answers 409 conflict and leaves the assistant as the stored row describes it", async () => {
    const { user, cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    const config = loadConfig(testEnv);
    const racing = racingUpdates(db, async () => {
      await db.update(agents).set({ greeting: "The other edit", updatedAt: new Date(Date.parse(agent.updatedAt) + 5000) }).where(eq(agents.id, agent.id));
    });
    const mark = await vapi.mark();
    const deps = { db: racing, config, logger: recordingLogger(), vapi: () => createVapiClient(config) };
    await expect(updateAgent(deps, user.id, agent.id, { greeting: "My edit" })).rejects.toMatchObject({ code: "conflict", status: 409 });

    const patches = await vapiRequests(mark, "PATCH", `/assistant/${agent.vapiAssistantId}`);
    expect(patches.map((p) => (p.body as Vapi.CreateAssistantDto).firstMessage)).toEqual([expect.stringMatching(/ My edit$/), expect.stringMatching(/ The other edit$/)]);
    expect((await agentRows(user.id))[0]?.greeting).toBe("The other edit");
  });
});

describe("configuration", () => {
  it("without VAPI_API_KEY, creating an agent is 503 service_not_configured", async () => {
    expectConsoleError(/"code":"service_not_configured"/);
    const { cookie } = await createUser();
    const response = await call("/api/agents", { method: "POST", cookie, json: agentInput(), env: envWith({ VAPI_API_KEY: undefined }) });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe("service_not_configured");
  });

  it("without a credential and without VAPI_WEBHOOK_SECRET to make one, it is 503 too", async () => {
    expectConsoleError(/"code":"service_not_configured"/);
    await db.delete(appSettings).where(eq(appSettings.key, CREDENTIAL_SETTING_KEY));
    const { user, cookie } = await createUser();
    const mark = await vapi.mark();
    const response = await call("/api/agents", { method: "POST", cookie, json: agentInput(), env: envWith({ VAPI_WEBHOOK_SECRET: undefined }) });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).message).toContain("VAPI_WEBHOOK_SECRET");
    expect(await vapiRequests(mark)).toHaveLength(0);
    expect(await agentRows(user.id)).toEqual([]);
  });
});

describe("validation", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["a transfer number that is not E.164", { transferNumber: "512-555-0100" }, "transferNumber"],
    ["an unknown timezone", { booking: { enabled: false, appointmentMinutes: 30, businessHours: {}, timezone: "Mars/Olympus" } }, "booking.timezone"],
    ["a range that ends before it starts", { booking: { enabled: true, appointmentMinutes: 30, businessHours: { mon: [{ start: "17:00", end: "09:00" }] }, timezone: "UTC" } }, "booking.businessHours.mon.0.end"],
    [
      "overlapping ranges",
      { booking: { enabled: true, appointmentMinutes: 30, businessHours: { tue: [{ start: "09:00", end: "13:00" }, { start: "12:00", end: "17:00" }] }, timezone: "UTC" } },
      "booking.businessHours.tue.1",
    ],
    ["a day that does not exist", { booking: { enabled: true, appointmentMinutes: 30, businessHours: { monday: [] }, timezone: "UTC" } }, "booking.businessHours"],
    ["a malformed time", { booking: { enabled: true, appointmentMinutes: 30, businessHours: { mon: [{ start: "9am", end: "17:00" }] }, timezone: "UTC" } }, "booking.businessHours.mon.0.start"],
    ["appointments shorter than 5 minutes", { booking: { enabled: true, appointmentMinutes: 4, businessHours: {}, timezone: "UTC" } }, "booking.appointmentMinutes"],
    ["appointments longer than 480 minutes", { booking: { enabled: true, appointmentMinutes: 481, businessHours: {}, timezone: "UTC" } }, "booking.appointmentMinutes"],
    ["more than 50 FAQ pairs", { faq: Array.from({ length: 51 }, (_, i) => ({ question: `Q${i}?`, answer: "A." })) }, "faq"],
    ["an empty FAQ answer", { faq: [{ question: "Open?", answer: " " }] }, "faq.0.answer"],
    ["a name over 40 characters", { name: "x".repeat(41) }, "name"],
    ["a greeting over 1000 characters", { greeting: "x".repeat(1001) }, "greeting"],
    ["a description over 5000 characters", { businessDescription: "x".repeat(5001) }, "businessDescription"],
    ["a voice not in the list", { voice: { provider: "vapi", voiceId: "Bob" } }, "voice"],
    ["an unknown property", { colour: "blue" }, ""],
    ["a missing greeting", { greeting: undefined }, "greeting"],
  ];

  for (const [what, overrides, path] of cases) {
    it(`refuses ${what} with 400 validation_failed and sends nothing to Vapi`, async () => {
      const { cookie } = await createUser();
      const mark = await vapi.mark();
      const response = await call("/api/agents", { method: "POST", cookie, json: agentInput(overrides) });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe("validation_failed");
      expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
      expect(await vapiRequests(mark)).toHaveLength(0);
    });
  }

  it("refuses a transfer number the destination policy does not allow, on create and on PATCH (issue 18 item 1)", async () => {
    const { cookie } = await createUser();
    // Another business's Agentline number (a valid US number).
    const e164 = `+1212${200 + Math.floor(Math.random() * 800)}${String(Math.floor(Math.random() * 1e4)).padStart(4, "0")}`;
    const owned = await db.insert(phoneNumbers).values({ businessId: (await createUser()).user.id, vapiPhoneNumberId: `pn-${crypto.randomUUID()}`, e164, status: "active" }).returning();
    const cases: [string, string][] = [
      ["+88213000000", "country_not_allowed"],
      ["+19005551234", "number_type_not_allowed"],
      [owned[0]?.e164 ?? "", "own_number"],
    ];
    const agent = await createAgentVia(cookie);
    for (const [transferNumber, rule] of cases) {
      const mark = await vapi.mark();
      for (const request of [
        call("/api/agents", { method: "POST", cookie, json: agentInput({ transferNumber }) }),
        call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { transferNumber } }),
      ]) {
        const response = await request;
        expect(response.status, transferNumber).toBe(400);
        expect(await errorOf(response)).toMatchObject({ code: "destination_not_allowed", details: { field: "transferNumber", rule }, message: expect.stringContaining(transferNumber) });
      }
      expect(await vapiRequests(mark)).toHaveLength(0);
    }
    expect((await (await call(`/api/agents/${agent.id}`, { cookie })).json()) as { agent: { transferNumber: string | null } }).toMatchObject({ agent: { transferNumber: null } });
  });

  it("the same premium or foreign number written any other way is refused too, on create and on PATCH, and nothing is stored", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    for (const transferNumber of PREMIUM_SPELLINGS) {
      for (const request of [
        call("/api/agents", { method: "POST", cookie, json: agentInput({ transferNumber }) }),
        call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { transferNumber } }),
      ]) {
        const response = await request;
        expect(response.status, JSON.stringify(transferNumber)).toBe(400);
        expect(["validation_failed", "destination_not_allowed"]).toContain((await errorOf(response)).code);
      }
    }
    const listed = (await (await call("/api/agents", { cookie })).json()) as { agents: { transferNumber: string | null }[] };
    expect(listed.agents.map((a) => a.transferNumber)).toEqual([null]);
  });

  it("checks a PATCH the same way, booking fields included", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie, { booking: { enabled: true, appointmentMinutes: 30, businessHours: weekdayHours, timezone: "UTC" } });
    const response = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { booking: { appointmentMinutes: 1000 }, status: "sleeping" } });
    expect(response.status).toBe(400);
    const paths = ((await errorOf(response)).details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["booking.appointmentMinutes", "status"]));
  });
});

describe("the booking catalogue (services, staff, closures)", () => {
  const catalogue = {
    enabled: true,
    appointmentMinutes: 30,
    businessHours: { tue: [{ start: "09:00", end: "12:00" }, { start: "13:00", end: "19:00" }] },
    timezone: "America/New_York",
    staff: [
      { id: "ana", name: "Ana", calendarId: "ana@example.com" },
      { id: "ben", name: "Ben", calendarId: "ben@example.com", businessHours: { sat: [{ start: "10:00", end: "14:00" }] } },
    ],
    services: [
      { name: "Cut", minutes: 45, priceCents: 4000 },
      { name: "Colour", minutes: 180, staffIds: ["ana"] },
    ],
    closures: [{ from: "2030-12-24", to: "2030-12-26", reason: "the holiday" }],
  };

  it("is stored and shown: ids given to services that came without, staff hours normalised, closures kept", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie, { booking: catalogue });
    expect(agent.booking.staff.map((s) => s.id)).toEqual(["ana", "ben"]);
    expect(agent.booking.staff[1]?.businessHours?.sat).toEqual([{ start: "10:00", end: "14:00" }]);
    expect(agent.booking.services).toMatchObject([{ name: "Cut", minutes: 45, priceCents: 4000 }, { name: "Colour", minutes: 180, staffIds: ["ana"] }]);
    expect(agent.booking.services[0]?.id).toMatch(/^sv_[0-9a-f]{10}$/);
    expect(agent.booking.closures).toEqual([{ from: "2030-12-24", to: "2030-12-26", reason: "the holiday" }]);
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ["overlapping ranges in a day", { businessHours: { mon: [{ start: "09:00", end: "13:00" }, { start: "12:00", end: "17:00" }] } }, /booking\.businessHours\.mon\.1: overlaps 09:00–13:00/],
    ["a range ending before it starts", { businessHours: { mon: [{ start: "13:00", end: "12:00" }] } }, /start must be before end/],
    ["a service naming an unknown staff member", { services: [{ name: "Cut", minutes: 30, staffIds: ["zoe"] }] }, /booking\.services\.0\.staffIds: no staff member has the id "zoe"/],
    ["two services of one name", { services: [{ name: "Cut", minutes: 30 }, { name: " cut ", minutes: 45 }] }, /booking\.services\.1\.name: another service/],
    ["two staff of one name", { staff: [{ name: "Ana", calendarId: "a" }, { name: "ana", calendarId: "b" }] }, /booking\.staff\.1\.name: another staff member/],
    ["a service too long", { services: [{ name: "Cut", minutes: 721 }] }, /booking\.services\.0\.minutes: must be at most 720/],
    ["a negative price", { services: [{ name: "Cut", minutes: 30, priceCents: -1 }] }, /priceCents: must not be negative/],
    ["a closure ending before it starts", { closures: [{ from: "2030-12-26", to: "2030-12-24" }] }, /booking\.closures\.0\.to: must not be before from/],
    ["a closure on a date that does not exist", { closures: [{ from: "2030-02-30", to: "2030-03-01" }] }, /booking\.closures\.0\.from: must be a real date/],
    ["more than 50 services", { services: Array.from({ length: 51 }, (_, i) => ({ name: `S${i}`, minutes: 30 })) }, /booking\.services: at most 50 services/],
    ["more than 20 staff", { staff: Array.from({ length: 21 }, (_, i) => ({ name: `P${i}`, calendarId: `c${i}` })) }, /booking\.staff: at most 20 staff members/],
    ["more than 100 closures", { closures: Array.from({ length: 101 }, () => ({ from: "2030-01-01", to: "2030-01-01" })) }, /booking\.closures: at most 100 closures/],
  ];
  for (const [what, change, message] of refusals) {
    it(`refuses ${what} with a 400 naming the field, and stores nothing`, async () => {
      const { user, cookie } = await createUser();
      const response = await call("/api/agents", { method: "POST", cookie, json: agentInput({ booking: { ...catalogue, ...change } }) });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe("validation_failed");
      expect(error.message).toMatch(message);
      expect(await agentRows(user.id)).toEqual([]);
    });
  }

  it("a PATCH of staff alone is checked against the stored services: removing a staff member a service names is refused", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie, { booking: catalogue });
    const response = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { booking: { staff: [{ id: "ben", name: "Ben", calendarId: "ben@example.com" }] } } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/booking\.services\.1\.staffIds: no staff member has the id "ana"/);
    const kept = await call(`/api/agents/${agent.id}`, { cookie });
    expect(((await kept.json()) as { agent: typeof agent }).agent.booking.staff).toHaveLength(2);
  });
});
