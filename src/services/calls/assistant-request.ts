/**
 * `assistant-request`, the hottest path of the product (DESIGN §5, Vapi's 7.5 s limit): ONE
 * database statement finds the number, its agent and its owner and records the call; then ONE
 * CreditAccount call holds the credits the call may spend. The answer is the agent's assistant
 * with `maxDurationSeconds` from the hold, or a refusal: a transfer to the owner's phone when
 * there is one, else a short spoken `{error}`. Refused calls are recorded with their reason.
 */
import { sql } from "drizzle-orm";
import type { AssistantRequestMessage } from "../../integrations/vapi/messages";
import { creditAccount } from "../credits";
import { CALL_CAP_SECONDS, type CallDeps, HOLD_GRACE_SECONDS } from "./deps";

export type RefusalReason = "unknown_number" | "no_agent" | "agent_paused" | "out_of_credit";

export type AssistantRequestAnswer =
  | { assistantId: string; assistantOverrides: { maxDurationSeconds: number; variableValues: Record<string, string> } }
  | { destination: { type: "number"; number: string; message: string } }
  | { error: string };

interface CallContext extends Record<string, unknown> {
  user_id: string;
  agent_id: string | null;
  agent_status: string | null;
  vapi_assistant_id: string | null;
  agent_name: string | null;
  owner_phone: string | null;
}

const SPOKEN_REFUSAL = "Sorry, no one can take your call right now. Please call back later.";
const TRANSFER_MESSAGE = "Please hold while I connect you.";

/** The single statement: number → agent → owner, and the call row (a refusal it can see already marked). */
function lookupAndRecord(vapiPhoneNumberId: string, message: AssistantRequestMessage) {
  const customer = message.call.customer?.number ?? message.customer?.number ?? null;
  return sql`
    with ctx as (
      select p.id as phone_number_id, p.user_id, a.id as agent_id, a.status as agent_status,
             a.vapi_assistant_id, a.name as agent_name, u.phone as owner_phone
      from phone_numbers p
      join users u on u.id = p.user_id
      left join agents a on a.id = p.agent_id
      where p.vapi_phone_number_id = ${vapiPhoneNumberId}
    ), ins as (
      insert into calls (user_id, agent_id, phone_number_id, vapi_call_id, customer_number, status, refused_reason)
      select user_id, agent_id, phone_number_id, ${message.call.id}, ${customer},
             case when agent_id is null or agent_status <> 'active' then 'refused' else 'queued' end,
             case when agent_id is null then 'no_agent' when agent_status <> 'active' then 'agent_paused' end
      from ctx
      on conflict (vapi_call_id) do nothing
      returning id
    )
    select ctx.user_id, ctx.agent_id, ctx.agent_status, ctx.vapi_assistant_id, ctx.agent_name, ctx.owner_phone from ctx`;
}

export async function answerAssistantRequest(deps: CallDeps, message: AssistantRequestMessage): Promise<AssistantRequestAnswer> {
  const { db, config, logger } = deps;
  const vapiCallId = message.call.id;
  const vapiPhoneNumberId = message.phoneNumber?.id ?? message.call.phoneNumberId;
  const rows = vapiPhoneNumberId ? (await db.execute<CallContext>(lookupAndRecord(vapiPhoneNumberId, message))).rows : [];
  const found = rows[0];
  if (!found) {
    logger.warn("assistant-request for a number we do not have; refused", { vapiCallId, vapiPhoneNumberId });
    return { error: SPOKEN_REFUSAL };
  }
  if (!found.agent_id || found.agent_status !== "active" || !found.vapi_assistant_id) {
    const reason: RefusalReason = found.agent_id ? "agent_paused" : "no_agent";
    logger.info("call refused", { vapiCallId, reason });
    return refusal(found.owner_phone);
  }
  const creditsPerMinute = config.CREDITS_PER_MINUTE;
  const hold = await creditAccount(deps.env, found.user_id).reserve({
    callId: vapiCallId,
    maxCredits: Math.ceil((CALL_CAP_SECONDS * creditsPerMinute) / 60),
    minCredits: creditsPerMinute,
    expiresInSeconds: CALL_CAP_SECONDS + HOLD_GRACE_SECONDS,
  });
  if (!hold.ok) {
    // Off the hot path: only a refused call pays for a second statement.
    await db.execute(sql`
      update calls set status = 'refused', refused_reason = 'out_of_credit', updated_at = now()
      where vapi_call_id = ${vapiCallId} and status not in ('ended', 'refused')`);
    logger.info("call refused", { vapiCallId, reason: "out_of_credit" });
    return refusal(found.owner_phone);
  }
  const maxDurationSeconds = Math.min(CALL_CAP_SECONDS, Math.floor((hold.held * 60) / creditsPerMinute));
  return {
    assistantId: found.vapi_assistant_id,
    assistantOverrides: { maxDurationSeconds, variableValues: { agentName: found.agent_name ?? "" } },
  };
}

function refusal(ownerPhone: string | null): AssistantRequestAnswer {
  if (ownerPhone) return { destination: { type: "number", number: ownerPhone, message: TRANSFER_MESSAGE } };
  return { error: SPOKEN_REFUSAL };
}
