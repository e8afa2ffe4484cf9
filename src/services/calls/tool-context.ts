/**
 * A tool call's context in ONE statement: the agent of the call we opened at assistant-request
 * (our `calls` row by Vapi call id, which holds the agent, the number and the caller), the state
 * of its owner's Google connection, and the number that called. The message's own assistant id
 * and number only have to agree with that row: a call on A's number that carries B's assistant
 * id is refused, never answered from B's calendar (docs/architecture.md §13, docs/decisions/0310).
 * Without a row (a tool call before or without assistant-request) the number's agent is used,
 * under the same checks.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { ToolCallsMessage } from "../../integrations/vapi/messages";
import type { Agent } from "../agents/view";

export type CalendarState = "ok" | "not_connected" | "needs_reconnect";

/** Why a tool call's message does not belong to the agent its call answers with. */
export type ContextMismatch = "assistant" | "phone_number" | "tenant";

export interface ToolContext {
  agent: Agent | null;
  calendar: CalendarState;
  /** The number that called: the owner of any booking this call makes, and the only one it may change. */
  callerPhone: string | null;
  /** Set when the message disagrees with the call we know; `agent` is null then. */
  mismatch?: ContextMismatch;
}

interface ContextRow extends Record<string, unknown> {
  agent: Record<string, unknown> | null;
  google_status: string | null;
  customer_number: string | null;
  vapi_phone_number_id: string | null;
  number_business_id: string | null;
  known_call: boolean;
}

export async function loadToolContext(db: Database, message: ToolCallsMessage): Promise<ToolContext> {
  const assistantId = message.call.assistantId ?? message.assistant?.id ?? null;
  const phoneNumberId = message.phoneNumber?.id ?? message.call.phoneNumberId ?? null;
  const messageCaller = message.call.customer?.number ?? message.customer?.number ?? null;
  const result = await db.execute<ContextRow>(sql`
    with known as (
      select c.agent_id, c.customer_number, p.vapi_phone_number_id, p.business_id as number_business_id, true as known_call
      from calls c left join phone_numbers p on p.id = c.phone_number_id
      where c.vapi_call_id = ${message.call.id}
    ), by_number as (
      select p.agent_id, null::text as customer_number, p.vapi_phone_number_id, p.business_id as number_business_id, false as known_call
      from phone_numbers p
      where p.vapi_phone_number_id = ${phoneNumberId} and not exists (select 1 from known)
    ), chosen as (select * from known union all select * from by_number)
    select row_to_json(a) as agent, g.status as google_status, ch.customer_number, ch.vapi_phone_number_id, ch.number_business_id, ch.known_call
    from chosen ch
    left join agents a on a.id = ch.agent_id
    left join google_connections g on g.business_id = a.business_id
    limit 1`);
  const row = result.rows[0];
  if (!row?.agent) return { agent: null, calendar: "not_connected", callerPhone: null };
  const agent = agentFromJson(row.agent);
  const mismatch: ContextMismatch | undefined =
    assistantId !== null && assistantId !== agent.vapiAssistantId
      ? "assistant"
      : phoneNumberId !== null && phoneNumberId !== row.vapi_phone_number_id
        ? "phone_number"
        : row.number_business_id !== null && row.number_business_id !== agent.businessId
          ? "tenant"
          : undefined;
  if (mismatch) return { agent: null, calendar: "not_connected", callerPhone: null, mismatch };
  const calendar: CalendarState = row.google_status === "ok" ? "ok" : row.google_status ? "needs_reconnect" : "not_connected";
  // What we recorded when the call was answered wins over what a later message says.
  return { agent, calendar, callerPhone: row.known_call ? row.customer_number : messageCaller };
}

/** row_to_json gives snake_case columns and ISO strings; the services take the drizzle row. */
function agentFromJson(json: Record<string, unknown>): Agent {
  const camel: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) camel[key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  camel.createdAt = new Date(String(camel.createdAt));
  camel.updatedAt = new Date(String(camel.updatedAt));
  return camel as unknown as Agent;
}
