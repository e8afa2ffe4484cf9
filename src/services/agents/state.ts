/**
 * What a receptionist is doing right now, as the owner needs to know it (docs/architecture.md §12
 * agent `state`): the same reasons assistant-request would refuse a call, read without a call.
 * Paused first (the owner's own choice), then a number to be reached on (one Vapi calls "active"
 * with its digits), then credits.
 */
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { businesses, phoneNumbers } from "../../db/schema";
import type { Agent } from "./view";

export const AGENT_STATES = ["answering", "paused", "out_of_credit", "no_number", "number_activating"] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export interface StateFacts {
  /** Per agent id: whether any of its numbers has its digits yet (false: all still activating). */
  numbers: Map<string, { live: boolean }>;
  /** The stored balance; out of credit when under one minute's worth (assistant-request's rule, docs/architecture.md §4). */
  balance: number;
  creditsPerMinute: number;
}

export function agentState(agent: Pick<Agent, "id" | "status">, facts: StateFacts): AgentState {
  if (agent.status !== "active") return "paused";
  const number = facts.numbers.get(agent.id);
  if (!number) return "no_number";
  if (!number.live) return "number_activating";
  if (facts.balance < facts.creditsPerMinute) return "out_of_credit";
  return "answering";
}

/** Reads what the states need (two small queries at once) and answers each agent's state. */
export async function agentStateReader(db: Database, creditsPerMinute: number, tenantId: string): Promise<(agent: Pick<Agent, "id" | "status">) => AgentState> {
  const [numbers, [tenant]] = await Promise.all([
    numbersByAgent(db, tenantId),
    db.select({ balance: businesses.creditBalance }).from(businesses).where(eq(businesses.id, tenantId)).limit(1),
  ]);
  const facts: StateFacts = { numbers, balance: tenant?.balance ?? 0, creditsPerMinute };
  return (agent) => agentState(agent, facts);
}

/** One query: which agents of the tenant have a number, and whether it is live. */
export async function numbersByAgent(db: Database, tenantId: string): Promise<StateFacts["numbers"]> {
  const rows = await db.select({ agentId: phoneNumbers.agentId, e164: phoneNumbers.e164, status: phoneNumbers.status }).from(phoneNumbers).where(eq(phoneNumbers.businessId, tenantId));
  const byAgent: StateFacts["numbers"] = new Map();
  for (const row of rows) {
    if (!row.agentId) continue;
    const live = (Boolean(row.e164) && row.status === "active") || (byAgent.get(row.agentId)?.live ?? false);
    byAgent.set(row.agentId, { live });
  }
  return byAgent;
}
