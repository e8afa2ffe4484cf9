import type { Vapi } from "@vapi-ai/server-sdk";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agents, appSettings, phoneNumbers } from "../../../src/db/schema";
import type { AgentJson } from "../../../src/services/agents/view";
import { CREDENTIAL_SETTING_KEY } from "../../../src/services/vapi/webhook-credential-id";
import { agentInput, createAgentVia, weekdayHours } from "../../support/agents";
import { db } from "../../support/db";
import { envWith, testEnv } from "../../support/env";
import { createPayingUser, createUser } from "../../support/factories";
import { call } from "../../support/http";
import { assistantAtVapi, systemMessageOf, toolNames, vapi, vapiRequests, vapiState } from "../../support/vapi";
import { createLine } from "../../support/vapi-webhook";
import { vapiError } from "../../support/vendor-errors";

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("POST /api/agents", () => {
  it("creates the assistant at Vapi with the payload docs/vapi.md describes, then the agent", async () => {
    const { user, cookie } = await createUser();
    const mark = await vapi.mark();
    const response = await call("/api/agents", { method: "POST", cookie, json: agentInput() });
    expect(response.status).toBe(201);
    const { agent } = (await response.json()) as { agent: AgentJson };

    const [sent] = await vapiRequests(mark, "POST", "/assistant");
    const payload = sent?.body as Vapi.CreateAssistantDto;
    // The AI and recording disclosure comes first, then the owner's greeting (ADR 0121).
    expect(payload.firstMessage).toBe("You're speaking with an AI assistant, and this call is recorded. Hi, thanks for calling Bella Hair Studio! How can I help?");
    expect(payload.artifactPlan).toEqual({ recordingEnabled: true });
    expect(systemMessageOf(payload)).toContain("Bella Hair Studio is a hair salon in downtown Austin.");
    expect(systemMessageOf(payload)).toContain("Q: Do you take walk-ins?");
    expect(toolNames(payload)).toEqual(["endCall"]);
    const credentialId = payload.server?.credentialId;
    expect(credentialId).toEqual(expect.any(String));
    expect(payload.server).toMatchObject({ url: "http://127.0.0.1:8787/api/webhooks/vapi", backoffPlan: { type: "exponential" } });
    expect(payload.analysisPlan?.summaryPlan).toEqual({ enabled: true });
    expect(payload.analysisPlan?.structuredDataPlan?.schema?.properties).toHaveProperty("appointmentBooked");
    expect(payload.metadata).toEqual({ agentId: agent.id, businessId: user.id, environmentId: "local" });
    expect(payload.voice).toEqual({ provider: "vapi", voiceId: "Elliot" });

    expect(await assistantAtVapi(agent.vapiAssistantId)).toMatchObject({ name: "[local] Bella's Front Desk", metadata: { agentId: agent.id, environmentId: "local" } });
    expect(agent).toEqual({
      id: expect.any(String),
      name: "Bella's Front Desk",
      status: "active",
      state: "no_number",
      greeting: "Hi, thanks for calling Bella Hair Studio! How can I help?",
      businessDescription: "Bella Hair Studio is a hair salon in downtown Austin. Haircuts start at $45.",
      systemPrompt: "",
      faq: [{ question: "Do you take walk-ins?", answer: "Yes, when a stylist is free." }],
      policies: "Cancellations: at least 24 hours ahead, please.",
      voice: { provider: "vapi", voiceId: "Elliot" },
      transferNumber: null,
      booking: {
        enabled: false,
        calendarId: null,
        appointmentMinutes: 30,
        bufferMinutes: 0,
        minNoticeMinutes: 60,
        horizonDays: 30,
        businessHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
        timezone: "America/New_York",
        services: [],
        staff: [],
        closures: [],
      },
      sheetsLogging: false,
      notify: "important",
      recordingEnabled: true,
      texting: { confirmations: true, reminders: ["24h"], missedCallTextBack: false, ownerAlerts: false },
      disclosure: { ai: true, recording: true },
      firstMessage: "You're speaking with an AI assistant, and this call is recorded. Hi, thanks for calling Bella Hair Studio! How can I help?",
      vapiAssistantId: expect.any(String),
      createdAt: expect.stringMatching(ISO),
      updatedAt: expect.stringMatching(ISO),
    });
  });

  it("PATCH texting merges into the receptionist's texting settings without touching Vapi, and refuses what it cannot be", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    const mark = await vapi.mark();
    const patched = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { texting: { reminders: ["24h", "2h"], missedCallTextBack: true } } });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { agent: { texting: unknown } }).agent.texting).toEqual({ confirmations: true, reminders: ["24h", "2h"], missedCallTextBack: true, ownerAlerts: false });
    expect((await vapi.requests(mark)).filter((request) => request.method === "PATCH")).toEqual([]);
    for (const texting of [{ reminders: ["1h"] }, { reminders: ["24h", "24h"] }, { confirmations: "yes" }, { sms: true }]) {
      const refused = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { texting } });
      expect(refused.status, JSON.stringify(texting)).toBe(400);
    }
    const shown = (await (await call(`/api/agents/${agent.id}`, { cookie })).json()) as { agent: { texting: { reminders: string[] } } };
    expect(shown.agent.texting.reminders).toEqual(["24h", "2h"]);
  });

  it("attaches transferCall and the booking tools only when the agent has them", async () => {
    const { cookie } = await createUser();
    const mark = await vapi.mark();
    const agent = await createAgentVia(cookie, {
      transferNumber: "+15125550100",
      voice: { provider: "openai", voiceId: "nova" },
      booking: { enabled: true, appointmentMinutes: 45, businessHours: weekdayHours, timezone: "America/Chicago" },
    });
    const [sent] = await vapiRequests(mark, "POST", "/assistant");
    const payload = sent?.body as Vapi.CreateAssistantDto;
    expect(toolNames(payload)).toEqual(["endCall", "transferCall", "function:check_availability", "function:book_appointment", "function:cancel_appointment", "function:move_appointment"]);
    expect(systemMessageOf(payload)).toContain("Only transfer during business hours");
    expect(systemMessageOf(payload)).toContain("Appointments last 45 minutes");
    expect(systemMessageOf(payload)).toContain(`"America/Chicago"}}`);
    expect(agent.booking).toMatchObject({ enabled: true, appointmentMinutes: 45, timezone: "America/Chicago" });
    expect(agent.booking.businessHours.wed).toEqual([{ start: "09:00", end: "12:00" }, { start: "13:00", end: "17:00" }]);
    expect(agent.booking.businessHours.sun).toEqual([]);
  });
});

describe("the webhook credential", () => {
  it("is created at first use with our HMAC plan, kept in app_settings, and reused", async () => {
    await db.delete(appSettings).where(eq(appSettings.key, CREDENTIAL_SETTING_KEY));
    const { cookie } = await createUser();
    const mark = await vapi.mark();
    const first = await createAgentVia(cookie);
    const second = await createAgentVia(cookie);

    const created = await vapiRequests(mark, "POST", "/credential");
    expect(created).toHaveLength(1);
    expect(created[0]?.body).toEqual({
      provider: "webhook",
      name: "Agentline webhook (local)",
      authenticationPlan: {
        type: "hmac",
        secretKey: testEnv.VAPI_WEBHOOK_SECRET,
        algorithm: "sha256",
        signatureHeader: "x-signature",
        timestampHeader: "x-timestamp",
        payloadFormat: "{timestamp}.{body}",
        signatureEncoding: "hex",
      },
    });
    const [setting] = await db.select().from(appSettings).where(eq(appSettings.key, CREDENTIAL_SETTING_KEY));
    const credential = (await vapiState()).credentials.find((c) => c.id === setting?.value);
    expect(credential?.provider).toBe("webhook");
    expect((await assistantAtVapi(first.vapiAssistantId))?.server?.credentialId).toBe(setting?.value);
    expect((await assistantAtVapi(second.vapiAssistantId))?.server?.credentialId).toBe(setting?.value);
  });

  it("is VAPI_CREDENTIAL_ID when that is set, with nothing created", async () => {
    const { cookie } = await createUser();
    const mark = await vapi.mark();
    const response = await call("/api/agents", { method: "POST", cookie, json: agentInput(), env: envWith({ VAPI_CREDENTIAL_ID: "cred-from-config" }) });
    expect(response.status).toBe(201);
    expect(await vapiRequests(mark, "POST", "/credential")).toHaveLength(0);
    const [sent] = await vapiRequests(mark, "POST", "/assistant");
    expect((sent?.body as Vapi.CreateAssistantDto | undefined)?.server?.credentialId).toBe("cred-from-config");
  });
});

describe("GET /api/agents", () => {
  it("lists the user's agents, oldest first", async () => {
    const { cookie } = await createUser();
    const first = await createAgentVia(cookie, { name: "First" });
    const second = await createAgentVia(cookie, { name: "Second" });
    const response = await call("/api/agents", { cookie });
    expect(response.status).toBe(200);
    const { agents: listed } = (await response.json()) as { agents: AgentJson[] };
    expect(listed.map((agent) => agent.id)).toEqual([first.id, second.id]);
    expect(listed[1]).toEqual(second);
  });

  it("reads one agent", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    const response = await call(`/api/agents/${agent.id}`, { cookie });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ agent });
  });
});

describe("PATCH /api/agents/:id", () => {
  it("turning recording off reaches Vapi's artifact plan, and the first words stop saying the call is recorded", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie, { greeting: "Thanks for calling Bella!" });
    expect((await assistantAtVapi(agent.vapiAssistantId))?.artifactPlan).toEqual({ recordingEnabled: true });

    const off = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { recordingEnabled: false } });
    expect(off.status).toBe(200);
    const { agent: updated } = (await off.json()) as { agent: AgentJson };
    expect(updated).toMatchObject({
      recordingEnabled: false,
      disclosure: { ai: true, recording: false },
      firstMessage: "You're speaking with an AI assistant. Thanks for calling Bella!",
      greeting: "Thanks for calling Bella!",
    });
    const atVapi = await assistantAtVapi(agent.vapiAssistantId);
    expect(atVapi?.artifactPlan).toEqual({ recordingEnabled: false });
    expect(atVapi?.firstMessage).toBe(updated.firstMessage);

    // A greeting that tries to drop the disclosure still comes after it.
    const greeting = "This is not an AI and nothing is recorded. Hi!";
    await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { greeting, recordingEnabled: true } });
    expect((await assistantAtVapi(agent.vapiAssistantId))?.firstMessage).toBe(`You're speaking with an AI assistant, and this call is recorded. ${greeting}`);
    expect((await assistantAtVapi(agent.vapiAssistantId))?.artifactPlan).toEqual({ recordingEnabled: true });
  });

  it("refuses a recordingEnabled that is not a boolean, changing nothing", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    const mark = await vapi.mark();
    const response = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { recordingEnabled: "no" } });
    expect(response.status).toBe(400);
    expect(await vapiRequests(mark, "PATCH")).toEqual([]);
    expect(((await (await call(`/api/agents/${agent.id}`, { cookie })).json()) as { agent: AgentJson }).agent.recordingEnabled).toBe(true);
  });

  it("patches the assistant with the full new payload, then the row", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    const mark = await vapi.mark();
    const response = await call(`/api/agents/${agent.id}`, {
      method: "PATCH",
      cookie,
      json: {
        greeting: "Hello from Bella!",
        faq: [{ question: "Is there parking?", answer: "Yes, behind the building." }],
        transferNumber: "+15125550199",
        booking: { enabled: true, businessHours: weekdayHours, timezone: "America/Denver" },
      },
    });
    expect(response.status).toBe(200);
    const { agent: updated } = (await response.json()) as { agent: AgentJson };
    expect(updated).toMatchObject({ greeting: "Hello from Bella!", transferNumber: "+15125550199", booking: { enabled: true, appointmentMinutes: 30, timezone: "America/Denver" } });
    expect(updated.name).toBe(agent.name);

    const patches = await vapiRequests(mark, "PATCH", `/assistant/${agent.vapiAssistantId}`);
    expect(patches).toHaveLength(1);
    const payload = patches[0]?.body as Vapi.CreateAssistantDto;
    expect(payload.firstMessage).toBe("You're speaking with an AI assistant, and this call is recorded. Hello from Bella!");
    expect(systemMessageOf(payload)).toContain("Q: Is there parking?");
    expect(systemMessageOf(payload)).not.toContain("walk-ins");
    expect(toolNames(payload)).toEqual(["endCall", "transferCall", "function:check_availability", "function:book_appointment", "function:cancel_appointment", "function:move_appointment"]);
    expect(payload.server?.credentialId).toEqual(expect.any(String));
    expect(payload.analysisPlan?.structuredDataPlan?.enabled).toBe(true);
    expect((await assistantAtVapi(agent.vapiAssistantId))?.firstMessage).toBe("You're speaking with an AI assistant, and this call is recorded. Hello from Bella!");
  });

  it("removes tools when they are turned off", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie, {
      transferNumber: "+15125550100",
      booking: { enabled: true, appointmentMinutes: 30, businessHours: weekdayHours, timezone: "America/Chicago" },
    });
    const mark = await vapi.mark();
    const response = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { transferNumber: null, booking: { enabled: false } } });
    expect(response.status).toBe(200);
    const [patch] = await vapiRequests(mark, "PATCH", `/assistant/${agent.vapiAssistantId}`);
    expect(toolNames(patch?.body as Vapi.CreateAssistantDto)).toEqual(["endCall"]);
  });

  it("pauses and resumes an agent without calling Vapi", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    const mark = await vapi.mark();
    const paused = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { status: "paused" } });
    expect(paused.status).toBe(200);
    expect(((await paused.json()) as { agent: AgentJson }).agent.status).toBe("paused");
    const [row] = await db.select().from(agents).where(eq(agents.id, agent.id));
    expect(row?.status).toBe("paused");
    const resumed = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { status: "active" }, env: envWith({ VAPI_API_KEY: undefined }) });
    expect(resumed.status).toBe(200);
    expect(await vapiRequests(mark)).toHaveLength(0);
  });
});

describe("DELETE /api/agents/:id", () => {
  it("deletes the assistant at Vapi, then the agent, and unassigns its numbers", async () => {
    const { cookie } = await createPayingUser();
    const agent = await createAgentVia(cookie);
    const bought = await call("/api/phone-numbers", { method: "POST", cookie, json: { agentId: agent.id } });
    expect(bought.status).toBe(201);
    const { phoneNumber } = (await bought.json()) as { phoneNumber: { id: string; agentId: string } };
    expect(phoneNumber.agentId).toBe(agent.id);

    const mark = await vapi.mark();
    const response = await call(`/api/agents/${agent.id}`, { method: "DELETE", cookie });
    expect(response.status).toBe(204);
    expect(await vapiRequests(mark, "DELETE", `/assistant/${agent.vapiAssistantId}`)).toHaveLength(1);
    expect(await assistantAtVapi(agent.vapiAssistantId)).toBeUndefined();
    expect((await call(`/api/agents/${agent.id}`, { cookie })).status).toBe(404);
    const [number] = await db.select().from(phoneNumbers).where(eq(phoneNumbers.id, phoneNumber.id));
    expect(number?.agentId).toBeNull();
  });

  it("counts an assistant Vapi no longer has as already deleted", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    await vapi.fault({ method: "DELETE", path: `/assistant/${agent.vapiAssistantId}`, status: 404, body: vapiError(404, "Not Found") });
    const response = await call(`/api/agents/${agent.id}`, { method: "DELETE", cookie });
    expect(response.status).toBe(204);
    expect(await db.select().from(agents).where(eq(agents.id, agent.id))).toEqual([]);
  });
});

describe("agents: the call e-mail setting", () => {
  it("notify defaults to important, can be set on create and changed without calling Vapi", async () => {
    const { cookie } = await createUser();
    const agent = await createAgentVia(cookie, { notify: "all" });
    expect(agent.notify).toBe("all");
    const mark = await vapi.mark();
    const response = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { notify: "none" } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { agent: { notify: string } }).agent.notify).toBe("none");
    expect(await vapiRequests(mark, "PATCH")).toEqual([]);
    const bad = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { notify: "sometimes" } });
    expect(bad.status).toBe(400);
  });
});

describe("an agent's state: what callers get right now (issue 21 defect 2)", () => {
  const stateOf = async (cookie: string) => {
    const list = (await (await call("/api/agents", { cookie })).json()) as { agents: AgentJson[] };
    const one = list.agents[0];
    const single = (await (await call(`/api/agents/${one?.id}`, { cookie })).json()) as { agent: AgentJson };
    expect(single.agent.state).toBe(one?.state);
    return one?.state;
  };

  it("answering with credits and a live number; out_of_credit at 0, not a green Answering", async () => {
    expect(await stateOf((await createLine({ credits: 100 })).owner.cookie)).toBe("answering");
    expect(await stateOf((await createLine({ credits: 0 })).owner.cookie)).toBe("out_of_credit");
  });

  it("paused wins over everything; a number still activating, or none, says so", async () => {
    expect(await stateOf((await createLine({ credits: 0, agentStatus: "paused" })).owner.cookie)).toBe("paused");
    const activating = await createLine({ credits: 50 });
    await db.update(phoneNumbers).set({ e164: null, status: "activating" }).where(eq(phoneNumbers.businessId, activating.owner.user.id));
    expect(await stateOf(activating.owner.cookie)).toBe("number_activating");
    const unassigned = await createLine({ credits: 50 });
    await db.update(phoneNumbers).set({ agentId: null }).where(eq(phoneNumbers.businessId, unassigned.owner.user.id));
    expect(await stateOf(unassigned.owner.cookie)).toBe("no_number");
  });
});
