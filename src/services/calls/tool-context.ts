/**
 * A tool call's context in ONE statement: the agent (by the call's assistant, else by its
 * number) and the state of its owner's Google connection.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { ToolCallsMessage } from "../../integrations/vapi/messages";
import type { Agent } from "../agents/view";

export type CalendarState = "ok" | "not_connected" | "needs_reconnect";

export async function loadToolContext(db: Database, message: ToolCallsMessage): Promise<{ agent: Agent | null; calendar: CalendarState }> {
  const assistantId = message.call.assistantId ?? message.assistant?.id ?? null;
  const phoneNumberId = message.phoneNumber?.id ?? message.call.phoneNumberId ?? null;
  const result = await db.execute<{ agent: Record<string, unknown>; google_status: string | null }>(sql`
    select row_to_json(a) as agent, g.status as google_status
    from agents a left join google_connections g on g.user_id = a.user_id
    where a.vapi_assistant_id = ${assistantId}
       or (${assistantId}::text is null and a.id = (select agent_id from phone_numbers where vapi_phone_number_id = ${phoneNumberId}))
    limit 1`);
  const row = result.rows[0];
  if (!row) return { agent: null, calendar: "not_connected" };
  const calendar: CalendarState = row.google_status === "ok" ? "ok" : row.google_status ? "needs_reconnect" : "not_connected";
  return { agent: agentFromJson(row.agent), calendar };
}

/** row_to_json gives snake_case columns and ISO strings; the services take the drizzle row. */
function agentFromJson(json: Record<string, unknown>): Agent {
  const camel: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) camel[key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = value;
  camel.createdAt = new Date(String(camel.createdAt));
  camel.updatedAt = new Date(String(camel.updatedAt));
  return camel as unknown as Agent;
}
