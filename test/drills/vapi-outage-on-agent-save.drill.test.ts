/**
 * Fault drill: the Vapi API fails while an owner creates or edits an agent — it answers 500 (on
 * the first try and on the client's one retry), or it does not answer at all within
 * VAPI_TIMEOUT_MS. What this proves: the dashboard gets a clear 502 `vapi_error` in the
 * documented error shape, our database keeps no agent row (create) or the row as it was
 * (update), and the Vapi stand-in holds no new assistant and the old one unchanged. A timeout
 * is one attempt (not retried), so a hung Vapi costs a request VAPI_TIMEOUT_MS, not a minute.
 * (The slow Vapi here answers 504 after the delay, as a gateway would, so it never stores
 * anything late; a Vapi that creates the assistant after we gave up would leave an orphan
 * tagged with `metadata.agentId` of an agent that does not exist.)
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { agents } from "../../src/db/schema";
import { agentInput, createAgentVia } from "../support/agents";
import { expectConsoleError } from "../support/console-trap";
import { db } from "../support/db";
import { envWith } from "../support/env";
import { createUser } from "../support/factories";
import { call } from "../support/http";
import { assistantAtVapi, vapi, vapiRequests, vapiState } from "../support/vapi";

/** Short enough that the drill takes a moment; the stand-in stalls 10× longer. */
const SHORT_TIMEOUT = envWith({ VAPI_TIMEOUT_MS: "250" });
const STALL_MS = 2_500;

const serverError = { status: 500, body: { message: "Internal server error", statusCode: 500 } };
const stalled = { delayMs: STALL_MS, status: 504, body: { message: "Gateway Timeout" } };

async function agentRows(businessId: string) {
  return db.select().from(agents).where(eq(agents.businessId, businessId));
}

async function assistantsOf(businessId: string) {
  return (await vapiState()).assistants.filter((assistant) => (assistant.metadata as { businessId?: string } | undefined)?.businessId === businessId);
}

/** The documented error shape, and nothing more. */
async function expectVapiError(response: Response, message: RegExp) {
  expect(response.status).toBe(502);
  const body = (await response.json()) as { error: Record<string, unknown> };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error).toMatchObject({ code: "vapi_error", message: expect.stringMatching(message), requestId: expect.any(String) });
  expect(Object.keys(body.error).every((key) => ["code", "message", "details", "requestId"].includes(key))).toBe(true);
}

afterEach(async () => {
  await vapi.reset();
});

describe("drill: Vapi fails on agent create", () => {
  it("a persistent 500 (after the client's one retry): 502 vapi_error, no row, nothing at Vapi", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const { user, cookie } = await createUser();
    const mark = await vapi.mark();
    await vapi.fault({ method: "POST", path: "/assistant", times: 2, ...serverError });
    const response = await call("/api/agents", { method: "POST", cookie, json: agentInput() });
    await expectVapiError(response, /^Vapi failed to create the assistant: Internal server error$/);
    expect(await vapiRequests(mark, "POST", "/assistant")).toHaveLength(2);
    expect(await agentRows(user.id)).toEqual([]);
    expect(await assistantsOf(user.id)).toEqual([]);
  });

  it("no answer within VAPI_TIMEOUT_MS: 502 vapi_error after one attempt, no row, nothing at Vapi", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const { user, cookie } = await createUser();
    const mark = await vapi.mark();
    await vapi.fault({ method: "POST", path: "/assistant", times: 2, ...stalled });
    const response = await call("/api/agents", { method: "POST", cookie, json: agentInput(), env: SHORT_TIMEOUT });
    await expectVapiError(response, /did not answer in time when asked to create the assistant\. Nothing was changed/);
    expect(await vapiRequests(mark, "POST", "/assistant")).toHaveLength(1);
    expect(await agentRows(user.id)).toEqual([]);
    expect(await assistantsOf(user.id)).toEqual([]);
  });
});

describe("drill: Vapi fails on agent update", () => {
  async function agentToEdit() {
    const { user, cookie } = await createUser();
    const agent = await createAgentVia(cookie);
    const [before] = await agentRows(user.id);
    const atVapi = await assistantAtVapi(agent.vapiAssistantId);
    expect(atVapi?.firstMessage).toBe(agent.firstMessage);
    return { user, cookie, agent, before, atVapi };
  }

  it("a persistent 500: 502 vapi_error, the row and the assistant unchanged", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const { user, cookie, agent, before, atVapi } = await agentToEdit();
    const mark = await vapi.mark();
    await vapi.fault({ method: "PATCH", path: `/assistant/${agent.vapiAssistantId}`, times: 2, ...serverError });
    const response = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { greeting: "Never saved" } });
    await expectVapiError(response, /^Vapi failed to update the assistant: Internal server error$/);
    expect(await vapiRequests(mark, "PATCH", `/assistant/${agent.vapiAssistantId}`)).toHaveLength(2);
    expect(await agentRows(user.id)).toEqual([before]);
    expect(await assistantAtVapi(agent.vapiAssistantId)).toEqual(atVapi);
  });

  it("no answer within VAPI_TIMEOUT_MS: 502 vapi_error after one attempt, the row and the assistant unchanged", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const { user, cookie, agent, before, atVapi } = await agentToEdit();
    const mark = await vapi.mark();
    await vapi.fault({ method: "PATCH", path: `/assistant/${agent.vapiAssistantId}`, times: 2, ...stalled });
    const response = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie, json: { greeting: "Never saved" }, env: SHORT_TIMEOUT });
    await expectVapiError(response, /did not answer in time when asked to update the assistant\. Nothing was changed/);
    expect(await vapiRequests(mark, "PATCH", `/assistant/${agent.vapiAssistantId}`)).toHaveLength(1);
    expect(await agentRows(user.id)).toEqual([before]);
    expect(await assistantAtVapi(agent.vapiAssistantId)).toEqual(atVapi);
  });
});
