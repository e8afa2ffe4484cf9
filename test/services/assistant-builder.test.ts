import { describe, expect, it } from "vitest";
// The Vapi stand-in's payload checks (Vapi's DTO rules): every built assistant must pass them.
import { assistantSpec, validate } from "../../dev/stand-ins/vapi-validation.mjs";
import { LIMITS } from "../../src/services/agents/limits";
import {
  type AssistantSource,
  buildAssistant,
  buildSystemPrompt,
  CALL_STRUCTURED_DATA_SCHEMA,
} from "../../src/services/assistant";
import { normalizeBusinessHours } from "../../src/services/assistant/business-hours";
import { systemMessageOf, toolNames, toolsOf } from "../support/vapi";

const context = { appUrl: "https://app.example.com", credentialId: "cred-123", environmentId: "production" };

function agent(overrides: Partial<AssistantSource> = {}): AssistantSource {
  return {
    id: "5f0c6f7e-1d2b-4c3a-9e8f-000000000001",
    businessId: "5f0c6f7e-1d2b-4c3a-9e8f-000000000002",
    name: "Bella's Front Desk",
    greeting: "Hi, thanks for calling Bella Hair Studio!",
    businessDescription: "Bella Hair Studio is a salon in downtown Austin.",
    systemPrompt: "",
    faq: [{ question: "Do you take walk-ins?", answer: "Yes, when a stylist is free." }],
    policies: "Cancellations: 24 hours ahead.",
    voiceProvider: "vapi",
    voiceId: "Elliot",
    transferNumber: null,
    bookingEnabled: false,
    appointmentMinutes: 30,
    bufferMinutes: 0,
    minNoticeMinutes: 60,
    horizonDays: 30,
    businessHours: normalizeBusinessHours({ mon: [{ start: "09:00", end: "17:00" }], sat: [{ start: "10:00", end: "14:00" }] }),
    timezone: "America/Chicago",
    recordingEnabled: true,
    ...overrides,
  };
}

describe("buildAssistant: the payload", () => {
  it("greets with the agent's greeting and carries everything in one system message", () => {
    const dto = buildAssistant(agent(), context);
    expect(dto.firstMessage).toBe("You're speaking with an AI assistant, and this call is recorded. Hi, thanks for calling Bella Hair Studio!");
    expect(dto.name).toBe("[production] Bella's Front Desk");
    const model = dto.model as { provider: string; model: string; messages: { role: string }[] };
    expect(model.provider).toBe("openai");
    expect(model.messages).toHaveLength(1);
    expect(model.messages[0]?.role).toBe("system");
    const prompt = systemMessageOf(dto);
    expect(prompt).toContain("Bella Hair Studio is a salon in downtown Austin.");
    expect(prompt).toContain("Q: Do you take walk-ins?\nA: Yes, when a stylist is free.");
    expect(prompt).toContain("Cancellations: 24 hours ahead.");
    expect(dto).not.toHaveProperty("systemPrompt");
  });

  it("points the server at our webhook with the credential and a retry plan", () => {
    const dto = buildAssistant(agent(), context);
    expect(dto.server).toEqual({
      url: "https://app.example.com/api/webhooks/vapi",
      credentialId: "cred-123",
      timeoutSeconds: 20,
      backoffPlan: { type: "exponential", maxRetries: 8, baseDelaySeconds: 2 },
    });
    expect(dto.serverMessages).toEqual(["status-update", "end-of-call-report", "tool-calls", 'transcript[transcriptType="final"]']);
  });

  it("asks Vapi for a summary and the structured call data, and tags the assistant with our ids", () => {
    const dto = buildAssistant(agent(), context);
    expect(dto.analysisPlan?.summaryPlan?.enabled).toBe(true);
    expect(dto.analysisPlan?.structuredDataPlan?.enabled).toBe(true);
    const schema = dto.analysisPlan?.structuredDataPlan?.schema;
    expect(schema).toEqual(CALL_STRUCTURED_DATA_SCHEMA);
    expect(Object.keys(schema?.properties ?? {})).toEqual(["callerName", "reasonForCalling", "appointmentBooked", "followUpNeeded", "unansweredQuestions"]);
    expect(schema?.properties?.unansweredQuestions).toMatchObject({ type: "array", items: { type: "string" } });
    expect(schema?.properties?.appointmentBooked?.type).toBe("boolean");
    expect(schema?.properties?.followUpNeeded?.type).toBe("boolean");
    expect(dto.metadata).toEqual({ agentId: agent().id, businessId: agent().businessId, environmentId: "production" });
  });

  it("names the assistant after its environment, within Vapi's 40 characters", () => {
    const dto = buildAssistant(agent({ name: "A".repeat(40) }), { ...context, environmentId: "staging" });
    expect(dto.name).toBe(`[staging] ${"A".repeat(30)}`);
    expect(dto.name?.length).toBe(40);
    expect(dto.metadata).toMatchObject({ environmentId: "staging" });
  });

  it("uses the agent's voice", () => {
    expect(buildAssistant(agent({ voiceProvider: "openai", voiceId: "nova" }), context).voice).toEqual({ provider: "openai", voiceId: "nova" });
  });

  it("passes Vapi's payload rules in every combination of tools", () => {
    for (const transferNumber of [null, "+15125550100"]) {
      for (const bookingEnabled of [false, true]) {
        const dto = buildAssistant(agent({ transferNumber, bookingEnabled }), context);
        expect(validate(JSON.parse(JSON.stringify(dto)), assistantSpec)).toEqual([]);
      }
    }
  });
});

describe("buildAssistant: consent (ADR 0121)", () => {
  it("says first that the caller speaks with an AI and that the call is recorded, then the owner's greeting", () => {
    const dto = buildAssistant(agent(), context);
    expect(dto.firstMessage?.startsWith("You're speaking with an AI assistant, and this call is recorded. ")).toBe(true);
    expect(dto.firstMessage?.endsWith("Hi, thanks for calling Bella Hair Studio!")).toBe(true);
    expect(dto.artifactPlan).toEqual({ recordingEnabled: true });
  });

  it("with recording off, Vapi does not record and the first words say only that it is an AI", () => {
    const dto = buildAssistant(agent({ recordingEnabled: false }), context);
    expect(dto.artifactPlan).toEqual({ recordingEnabled: false });
    expect(dto.firstMessage).toBe("You're speaking with an AI assistant. Hi, thanks for calling Bella Hair Studio!");
  });

  it("no greeting can push the disclosure out: the longest accepted greeting still fits Vapi's limit", () => {
    const longest = "x".repeat(LIMITS.greeting);
    for (const recordingEnabled of [true, false]) {
      const dto = buildAssistant(agent({ greeting: longest, recordingEnabled }), context);
      expect(dto.firstMessage?.endsWith(longest)).toBe(true);
      expect(validate(JSON.parse(JSON.stringify(dto)), assistantSpec)).toEqual([]);
    }
    // A row older than the limit is cut at the end, never at the disclosure.
    expect(buildAssistant(agent({ greeting: "y".repeat(1000) }), context).firstMessage).toMatch(/^You're speaking with an AI assistant, and this call is recorded\. y+$/);
  });
});

describe("buildAssistant: tools present exactly when enabled", () => {
  it("has only endCall for an agent with no transfer number and no booking", () => {
    expect(toolNames(buildAssistant(agent(), context))).toEqual(["endCall"]);
  });

  it("adds transferCall to the agent's transfer number", () => {
    const dto = buildAssistant(agent({ transferNumber: "+15125550100" }), context);
    expect(toolNames(dto)).toEqual(["endCall", "transferCall"]);
    const transfer = toolsOf(dto)[1] as unknown as { destinations: { type: string; number: string }[] };
    expect(transfer.destinations).toEqual([expect.objectContaining({ type: "number", number: "+15125550100" })]);
  });

  it("adds check_availability and book_appointment with JSON-schema parameters when booking is on", () => {
    const dto = buildAssistant(agent({ bookingEnabled: true }), context);
    expect(toolNames(dto)).toEqual(["endCall", "function:check_availability", "function:book_appointment", "function:cancel_appointment", "function:move_appointment"]);
    const [, check, book] = toolsOf(dto) as unknown as { function: { parameters: { type: string; properties: Record<string, unknown>; required: string[] } } }[];
    expect(check?.function.parameters).toMatchObject({ type: "object", required: ["date"] });
    expect(Object.keys(check?.function.parameters.properties ?? {})).toEqual(["date"]);
    expect(book?.function.parameters).toMatchObject({ type: "object", required: ["start", "name"] });
    expect(Object.keys(book?.function.parameters.properties ?? {})).toEqual(["start", "name", "phone", "notes"]);
    const [, , , cancel, move] = toolsOf(dto) as unknown as { function: { parameters: { required: string[]; properties: Record<string, unknown> } } }[];
    expect(cancel?.function.parameters).toMatchObject({ required: [] });
    expect(Object.keys(cancel?.function.parameters.properties ?? {})).toEqual(["start"]);
    expect(move?.function.parameters).toMatchObject({ required: ["to"] });
    expect(Object.keys(move?.function.parameters.properties ?? {})).toEqual(["to", "from"]);
  });

  it("has all six tools with both enabled", () => {
    expect(toolNames(buildAssistant(agent({ transferNumber: "+15125550100", bookingEnabled: true }), context))).toEqual([
      "endCall",
      "transferCall",
      "function:check_availability",
      "function:book_appointment",
      "function:cancel_appointment",
      "function:move_appointment",
    ]);
  });
});

describe("buildSystemPrompt", () => {
  it("states today's date and time through Vapi's date filter in the agent's timezone", () => {
    const prompt = buildSystemPrompt(agent());
    expect(prompt).toContain(`{{"now" | date: "%A, %B %-d, %Y", "America/Chicago"}}`);
    expect(prompt).toContain(`{{"now" | date: "%-I:%M %p", "America/Chicago"}}`);
    expect(prompt).toMatch(/Every date and time you hear or say is in America\/Chicago/);
  });

  it("lists business hours per day, closed days included", () => {
    const prompt = buildSystemPrompt(agent());
    expect(prompt).toContain("Monday: 09:00–17:00");
    expect(prompt).toContain("Tuesday: closed");
    expect(prompt).toContain("Saturday: 10:00–14:00");
  });

  it("limits transfers to business hours when the agent has hours, and says so", () => {
    const prompt = buildSystemPrompt(agent({ transferNumber: "+15125550100" }));
    expect(prompt).toContain("transferCall tool");
    expect(prompt).toContain("Only transfer during business hours");
    expect(prompt).toContain("Outside business hours, explain that nobody is available right now");
  });

  it("allows transfers at any time when no hours are set", () => {
    const prompt = buildSystemPrompt(agent({ transferNumber: "+15125550100", businessHours: normalizeBusinessHours({}) }));
    expect(prompt).toContain("You may transfer at any time.");
    expect(prompt).toContain("No business hours have been set.");
  });

  it("says there is no transfer when the agent has no number", () => {
    const prompt = buildSystemPrompt(agent());
    expect(prompt).toContain("You cannot transfer calls.");
    expect(prompt).not.toContain("transferCall");
  });

  it("spells out the booking rules when booking is on, and forbids booking when off", () => {
    const on = buildSystemPrompt(agent({ bookingEnabled: true, appointmentMinutes: 90, horizonDays: 14, minNoticeMinutes: 120 }));
    expect(on).toContain("Appointments last 90 minutes and can be booked up to 14 days ahead.");
    expect(on).toContain("at least 2 hours of notice");
    expect(on).toContain("check_availability");
    expect(on).toContain("Only say the appointment is booked when book_appointment confirms it.");
    const off = buildSystemPrompt(agent());
    expect(off).toContain("You cannot book appointments on this call.");
    expect(off).not.toContain("check_availability");
  });

  it("with services and staff: lists each service's length and price, who does it, the closures, and asks the tools for the service", () => {
    const salon = agent({
      bookingEnabled: true,
      bookingStaff: [{ id: "ana", name: "Ana" }, { id: "ben", name: "Ben" }],
      bookingServices: [{ name: "Haircut", minutes: 45, priceCents: 4000 }, { name: "Colour", minutes: 180, priceCents: 12050, staffIds: ["ana"] }],
      bookingClosures: [{ from: "2030-12-24", to: "2030-12-26", reason: "the holidays" }],
    });
    const prompt = buildSystemPrompt(salon);
    expect(prompt).toContain("- Haircut: 45 minutes, $40\n- Colour: 3 hours, $120.50 (with Ana)");
    expect(prompt).toContain("Staff: Ana, Ben.");
    expect(prompt).toContain("- 2030-12-24 to 2030-12-26: the holidays");
    expect(prompt).toContain("last as long as their service");
    const dto = buildAssistant(salon, context);
    const [, check, book] = toolsOf(dto) as unknown as { function: { parameters: { properties: Record<string, { description: string }>; required: string[] } } }[];
    expect(check?.function.parameters.required).toEqual(["date", "service"]);
    expect(check?.function.parameters.properties.service?.description).toContain("one of: Haircut, Colour");
    expect(book?.function.parameters.properties.staff?.description).toContain("one of: Ana, Ben");
    expect(validate(JSON.parse(JSON.stringify(dto)), assistantSpec)).toEqual([]);
  });

  it("adds the owner's own instructions in their own section", () => {
    const prompt = buildSystemPrompt(agent({ systemPrompt: "Always mention our summer discount." }));
    expect(prompt).toContain("## Additional instructions from the owner\nAlways mention our summer discount.");
  });

  it("makes the owner's text inert for Vapi's templates, keeping only our own date tags live", () => {
    const dto = buildAssistant(
      agent({ businessDescription: "Prices: {{ secret }} and {% if x %}", greeting: "Hello {{customer.number}}", faq: [] }),
      context,
    );
    const prompt = systemMessageOf(dto);
    expect(prompt).toContain("Prices: { { secret }} and { % if x %}");
    expect(dto.firstMessage).toBe("You're speaking with an AI assistant, and this call is recorded. Hello { {customer.number}}");
    expect(prompt.match(/\{\{/g)).toHaveLength(2);
  });

  it("omits empty sections", () => {
    const prompt = buildSystemPrompt(agent({ businessDescription: "", faq: [], policies: "  " }));
    expect(prompt).not.toContain("## About the business");
    expect(prompt).not.toContain("## Frequently asked questions");
    expect(prompt).not.toContain("## Policies");
  });
});
