/**
 * Which owner a Vapi message belongs to, as SQL: the call row assistant-request opened for this
 * Vapi call id first (the SDK marks everything but `call.id` optional, and a report may carry
 * only that), else the call's phone number, else its assistant. Used by every upsert of a call
 * row, so a message that arrives before the row exists (Vapi promises no order) still creates
 * it for the right user. A business that was deleted owns no message.
 */
import { type SQL, sql } from "drizzle-orm";
import type { StatusUpdateMessage } from "../../integrations/vapi/messages";
import { STATUS_ORDER } from "./deps";

type Envelope = Pick<StatusUpdateMessage, "call" | "phoneNumber" | "assistant" | "customer">;

/** `select business_id, agent_id, phone_number_id, customer_number` for the message's call (no row when nobody owns it). */
export function ownerOf(message: Envelope): SQL {
  const phoneNumberId = message.phoneNumber?.id ?? message.call.phoneNumberId ?? null;
  const assistantId = message.call.assistantId ?? message.assistant?.id ?? null;
  const customer = message.call.customer?.number ?? message.customer?.number ?? null;
  // The joins on number and assistant only matter when we have no row for the call yet.
  return sql`
    select coalesce(c.business_id, p.business_id, a.business_id) as business_id, coalesce(c.agent_id, a.id, p.agent_id) as agent_id,
           coalesce(c.phone_number_id, p.id) as phone_number_id, coalesce(c.customer_number, ${customer}::text) as customer_number
    from (select 1) as one
    left join calls c on c.vapi_call_id = ${message.call.id}
    left join phone_numbers p on c.id is null and p.vapi_phone_number_id = ${phoneNumberId}
    left join agents a on c.id is null and a.vapi_assistant_id = ${assistantId} and (p.business_id is null or a.business_id = p.business_id)
    where coalesce(c.business_id, p.business_id, a.business_id) is not null
      -- A deleted business owns nothing any more: its late messages revive nothing (ADR 1110).
      and not exists (select 1 from businesses b where b.id = coalesce(c.business_id, p.business_id, a.business_id) and b.deleted_at is not null)`;
}

/** A status's place in a call's life; unknown statuses rank lowest and never overwrite a known one. */
export function statusRank(column: SQL): SQL {
  return sql`coalesce(array_position(array[${sql.raw(STATUS_ORDER.map((s) => `'${s}'`).join(","))}]::text[], ${column}), 0)`;
}

/** Vapi's millisecond timestamp, else now, as an ISO string. */
export function messageTime(message: { timestamp?: number }, now: Date): string {
  const ms = message.timestamp;
  return new Date(ms && Number.isFinite(ms) && ms > 1e11 ? ms : now.getTime()).toISOString();
}
