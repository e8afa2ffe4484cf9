/**
 * The messages `npm run simulate:call` and the bench send (dev/calls/vapi-messages.mjs) must be
 * what the webhook accepts from Vapi: signed so that our verifier takes them, and each parsed as
 * its own type with the fields the handlers read. And the simulator's scripts produce tool-call
 * arguments in the shapes the tools declare.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Vapi } from "@vapi-ai/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversation, SCRIPT_NAMES, zonedDateTime } from "../../dev/calls/scripts.mjs";
import { assistantRequest, endOfCallReport, finalTranscript, REPORT_SHAPES, signVapi, statusUpdate, TOOL_CALL_SHAPES, toolCalls } from "../../dev/calls/vapi-messages.mjs";
import { callRecordFromReport, tellVapiStandIn, vapiStandInOf } from "../../dev/calls/vapi-stand-in.mjs";
import { startVapiStandIn, VAPI_SANDBOX_API_KEY } from "../../dev/stand-ins/vapi.mjs";
import { reportFromCall } from "../../src/integrations/vapi/call-report";
import { parseVapiMessage } from "../../src/integrations/vapi/messages";
import { verifyVapiRequest } from "../../src/integrations/vapi/verify";

const line = { callId: "call-1", phoneNumberId: "pn-1", number: "+14155550100", customer: "+15125550147", assistantId: "asst-1" };

describe("simulated Vapi messages", () => {
  it("are signed as Vapi's HMAC credential signs them, and only the exact body verifies", async () => {
    const body = JSON.stringify(assistantRequest(line));
    const headers = signVapi(body, "s3cret", 1_795_689_000_000);
    const check = (payload: string, secret: string) =>
      verifyVapiRequest({ signature: headers["x-signature"], timestamp: headers["x-timestamp"] }, payload, secret, { nowMs: 1_795_689_000_000 });
    expect(await check(body, "s3cret")).toEqual({ ok: true, method: "hmac" });
    expect((await check(`${body} `, "s3cret")).ok).toBe(false);
    expect((await check(body, "other")).ok).toBe(false);
  });

  it("parse as the types the webhook acts on, with the fields its handlers read", () => {
    const startedAt = new Date("2026-11-26T09:00:00Z");
    const endedAt = new Date("2026-11-26T09:02:14Z");
    const messages = [
      assistantRequest(line),
      statusUpdate(line, "in-progress"),
      finalTranscript(line, "user", "Hello"),
      toolCalls(line, [{ id: "call_x", name: "check_availability", arguments: { date: "2030-05-14" } }]),
      endOfCallReport(line, { startedAt, endedAt, endedReason: "customer-ended-call", turns: [{ role: "user", text: "Hi" }], summary: "S", structuredData: { appointmentBooked: true } }),
    ];
    const parsed = messages.map((message) => parseVapiMessage(message));
    expect(parsed.map((result) => result.kind)).toEqual(["message", "message", "message", "message", "message"]);
    const [request, , , tools, report] = parsed.map((result) => (result.kind === "message" ? result.message : null));
    expect(request).toMatchObject({ type: "assistant-request", call: { id: "call-1", phoneNumberId: "pn-1", customer: { number: "+15125550147" } }, phoneNumber: { id: "pn-1" } });
    expect(tools).toMatchObject({ toolCallList: [{ id: "call_x", name: "check_availability", arguments: { date: "2030-05-14" } }] });
    expect(report).toMatchObject({ startedAt: startedAt.toISOString(), endedAt: endedAt.toISOString(), analysis: { summary: "S", structuredData: { appointmentBooked: true } } });
  });

  it("vary the tool-call shapes as Vapi's sources do, and each reads as the same calls", () => {
    const asked = [
      { id: "call_a", name: "check_availability", arguments: { date: "2030-05-14" } },
      { id: "call_b", name: "book_appointment", arguments: { start: "2030-05-14T14:00:00-05:00", name: "Jordan Lee" } },
    ];
    const bodies = TOOL_CALL_SHAPES.map((shape) => toolCalls(line, asked, 1_795_689_000_000, shape));
    expect(new Set(bodies.map((body) => JSON.stringify(body))).size).toBe(TOOL_CALL_SHAPES.length);
    for (const [index, body] of bodies.entries()) {
      const parsed = parseVapiMessage(body);
      expect(parsed.kind === "message" && parsed.message.type === "tool-calls" ? parsed.message.toolCallList : parsed, TOOL_CALL_SHAPES[index]).toEqual(asked);
    }
    expect(bodies.at(-1)?.message).not.toHaveProperty("toolCallList");
  });

  it("vary the report shapes, and each reads with its transcript and its timing", () => {
    const startedAt = new Date("2026-11-26T09:00:00Z");
    const endedAt = new Date("2026-11-26T09:02:14Z");
    const turns = [{ role: "bot" as const, text: "Hi" }, { role: "user" as const, text: "Hello" }];
    for (const shape of REPORT_SHAPES) {
      const body = endOfCallReport(line, { startedAt, endedAt, endedReason: "customer-ended-call", turns, summary: "S", structuredData: {} }, undefined, shape);
      const parsed = parseVapiMessage(body);
      if (parsed.kind !== "message" || parsed.message.type !== "end-of-call-report") throw new Error(`${shape}: ${JSON.stringify(parsed)}`);
      expect(parsed.message, shape).toMatchObject({ call: { id: "call-1" }, transcript: "AI: Hi\nUser: Hello", durationSeconds: 134 });
      if (shape === "bare-call") expect(Object.keys(parsed.message.call)).toEqual(["id"]);
    }
  });

  it("every script stays inside its call's allowance and books with offset date-times", () => {
    for (const script of SCRIPT_NAMES) {
      const talk = conversation(script, { timezone: "America/Chicago", maxSeconds: 420, callerName: "Jordan Lee", start: "2030-05-14T10:00:00-05:00" });
      expect(talk.seconds).toBeLessThanOrEqual(420);
      for (const tool of talk.tools.flat()) {
        for (const key of ["start", "from", "to"]) {
          if (key in tool.arguments) expect(String(tool.arguments[key])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00[+-]\d\d:\d\d$/);
        }
      }
    }
    expect(zonedDateTime("2030-01-15", "10:00", "America/Chicago")).toBe("2030-01-15T10:00:00-06:00");
    expect(zonedDateTime("2030-07-15", "10:00", "America/Chicago")).toBe("2030-07-15T10:00:00-05:00");
    expect(zonedDateTime("2030-07-15", "10:00", "UTC")).toBe("2030-07-15T10:00:00+00:00");
  });
});

describe("the simulator and the Vapi stand-in", () => {
  let standIn: Awaited<ReturnType<typeof startVapiStandIn>>;
  let app: http.Server;
  let appUrl = "";
  /** What the fake app's GET /api/sandbox answers: a sandbox names its stand-in, another app has no such route. */
  let sandbox: { status: number; body: unknown } = { status: 404, body: {} };

  beforeAll(async () => {
    standIn = await startVapiStandIn();
    app = http.createServer((req, res) => {
      const { status, body } = req.url === "/api/sandbox" ? sandbox : { status: 404, body: {} };
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => app?.close(resolve));
    await standIn?.close();
  });

  it("finds the stand-in through a sandbox app's /api/sandbox, and skips any other app", async () => {
    sandbox = { status: 200, body: { inbox: {}, google: {}, vapi: { baseUrl: `${standIn.url}/` } } };
    expect(await vapiStandInOf(appUrl)).toBe(standIn.url);
    sandbox = { status: 404, body: { error: { code: "not_found", message: "No route for GET /api/sandbox" } } };
    expect(await vapiStandInOf(appUrl)).toBeNull();
    // An older sandbox app that does not name it, and no app at all.
    sandbox = { status: 200, body: { inbox: {}, google: {} } };
    expect(await vapiStandInOf(appUrl)).toBeNull();
    expect(await vapiStandInOf("http://127.0.0.1:9")).toBeNull();
  });

  it("tells it each call as Vapi holds it, so reconciliation's GET /call/{id} reads the report the call would have sent", async () => {
    const played = { ...line, callId: crypto.randomUUID() };
    const startedAt = new Date("2026-11-26T09:00:00Z");
    const endedAt = new Date("2026-11-26T09:02:14Z");
    const turns = [{ role: "bot" as const, text: "Hi" }, { role: "user" as const, text: "Hello" }];
    const report = endOfCallReport(played, { startedAt, endedAt, endedReason: "customer-ended-call", turns, summary: "S", structuredData: { callerName: "Jordan" } }, undefined, "artifact");
    await tellVapiStandIn(standIn.url, callRecordFromReport(report));

    const response = await fetch(`${standIn.url}/call/${played.callId}`, { headers: { authorization: `Bearer ${VAPI_SANDBOX_API_KEY}` } });
    expect(response.status).toBe(200);
    const vapiCall = (await response.json()) as Vapi.Call;
    expect(vapiCall).toMatchObject({ id: played.callId, status: "ended", endedReason: "customer-ended-call", phoneNumberId: "pn-1", assistantId: "asst-1", customer: { number: line.customer } });
    const parsed = parseVapiMessage({ message: reportFromCall(vapiCall) });
    if (parsed.kind !== "message" || parsed.message.type !== "end-of-call-report") throw new Error(JSON.stringify(parsed));
    expect(parsed.message).toMatchObject({ transcript: "AI: Hi\nUser: Hello", durationSeconds: 134, timingSource: "message", analysis: { summary: "S", structuredData: { callerName: "Jordan" } } });
  });
});
