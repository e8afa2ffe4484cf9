import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agents } from "../../../src/db/schema";
import { agentInput, createAgentVia } from "../../support/agents";
import { db } from "../../support/db";
import { createUser } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { assistantAtVapi, vapi, vapiRequests } from "../../support/vapi";

describe("another user's agent", () => {
  it("cannot be read, changed or deleted: 404, and Vapi is never asked", async () => {
    const owner = await createUser();
    const intruder = await createUser();
    const agent = await createAgentVia(owner.cookie);
    const mark = await vapi.mark();

    const read = await call(`/api/agents/${agent.id}`, { cookie: intruder.cookie });
    const changed = await call(`/api/agents/${agent.id}`, { method: "PATCH", cookie: intruder.cookie, json: { greeting: "Hacked", status: "paused" } });
    const deleted = await call(`/api/agents/${agent.id}`, { method: "DELETE", cookie: intruder.cookie });
    for (const response of [read, changed, deleted]) {
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe("not_found");
    }
    expect(await vapiRequests(mark)).toHaveLength(0);
    const [row] = await db.select().from(agents).where(eq(agents.id, agent.id));
    expect(row).toMatchObject({ greeting: agent.greeting, status: "active" });
    expect(await assistantAtVapi(agent.vapiAssistantId)).toBeDefined();
  });

  it("is not in the other user's list", async () => {
    const owner = await createUser();
    const other = await createUser();
    await createAgentVia(owner.cookie);
    const response = await call("/api/agents", { cookie: other.cookie });
    expect(await response.json()).toEqual({ agents: [] });
  });

  it("a malformed id is 404, not a database error", async () => {
    const { cookie } = await createUser();
    const response = await call("/api/agents/not-a-uuid", { cookie });
    expect(response.status).toBe(404);
  });
});

describe("authentication and origin", () => {
  it("every agent route needs a session", async () => {
    const id = crypto.randomUUID();
    const responses = await Promise.all([
      call("/api/agents"),
      call("/api/agents", { method: "POST", json: agentInput() }),
      call(`/api/agents/${id}`),
      call(`/api/agents/${id}`, { method: "PATCH", json: { status: "paused" } }),
      call(`/api/agents/${id}`, { method: "DELETE" }),
    ]);
    for (const response of responses) expect(response.status).toBe(401);
  });

  it("a create from another origin is refused before anything reaches Vapi", async () => {
    const { user, cookie } = await createUser();
    const mark = await vapi.mark();
    const response = await call("/api/agents", { method: "POST", cookie, json: agentInput(), headers: { origin: "https://evil.example" } });
    expect(response.status).toBe(403);
    expect(await vapiRequests(mark)).toHaveLength(0);
    expect(await db.select().from(agents).where(eq(agents.businessId, user.id))).toEqual([]);
  });

  it("a businessId in the body is refused: an agent only ever belongs to the session's user", async () => {
    const owner = await createUser();
    const victim = await createUser();
    const response = await call("/api/agents", { method: "POST", cookie: owner.cookie, json: { ...agentInput(), businessId: victim.user.id } });
    expect(response.status).toBe(400);
    expect(await db.select().from(agents).where(eq(agents.businessId, victim.user.id))).toEqual([]);
  });
});
