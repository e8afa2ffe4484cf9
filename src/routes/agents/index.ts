/** `/api/agents` (docs/architecture.md §12): the current business's agents, each kept in step with a Vapi assistant. */
import { type Context, Hono } from "hono";
import { assertId } from "../../db/scope";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { ANY_MEMBER, MANAGERS, requireRole, requireUser } from "../../middleware/auth";
import { createAgent, deleteAgent, getAgent, listAgents, updateAgent } from "../../services/agents";
import { agentStateReader } from "../../services/agents/state";
import { agentJson } from "../../services/agents/view";
import { audit } from "../audit";
import { createAgentSchema, updateAgentSchema } from "./schemas";

/** Each agent's `state` needs the business's numbers and balance (services/agents/state.ts). */
const statesFor = (c: Context<HonoEnv>) => agentStateReader(c.get("db"), c.get("config").CREDITS_PER_MINUTE, c.get("businessId"));

export const agentsRoutes = new Hono<HonoEnv>()
  // A path, not "*": a sub-app's "*" middleware would cover every /api route once mounted.
  // "/agents/*" matches "/agents" itself too.
  .use("/agents/*", requireUser(), requireRole(...ANY_MEMBER))
  .get("/agents", async (c) => {
    const [rows, stateOf] = await Promise.all([listAgents(c.get("db"), c.get("businessId")), statesFor(c)]);
    return c.json({ agents: rows.map((agent) => agentJson(agent, stateOf(agent))) }, 200);
  })
  .post("/agents", requireRole(...MANAGERS), validate("json", createAgentSchema), async (c) => {
    const agent = await createAgent(c.var.services, c.get("business"), c.req.valid("json"));
    await audit(c, "agent.created", { type: "agent", id: agent.id }, { name: agent.name });
    return c.json({ agent: agentJson(agent, (await statesFor(c))(agent)) }, 201);
  })
  .get("/agents/:id", async (c) => {
    const [agent, stateOf] = await Promise.all([getAgent(c.get("db"), c.get("businessId"), assertId(c.req.param("id"), "agent")), statesFor(c)]);
    return c.json({ agent: agentJson(agent, stateOf(agent)) }, 200);
  })
  .patch("/agents/:id", requireRole(...MANAGERS), validate("json", updateAgentSchema), async (c) => {
    const id = assertId(c.req.param("id"), "agent");
    const agent = await updateAgent(c.var.services, c.get("businessId"), id, c.req.valid("json"));
    await audit(c, "agent.updated", { type: "agent", id }, { name: agent.name, fields: Object.keys(c.req.valid("json")) });
    return c.json({ agent: agentJson(agent, (await statesFor(c))(agent)) }, 200);
  })
  .delete("/agents/:id", requireRole(...MANAGERS), async (c) => {
    const gone = await deleteAgent(c.var.services, c.get("businessId"), assertId(c.req.param("id"), "agent"));
    await audit(c, "agent.deleted", { type: "agent", id: gone.id }, { name: gone.name });
    return c.body(null, 204);
  });
