/**
 * `assistant-request`, the hottest path of the product (docs/architecture.md §5, Vapi's 7.5 s limit): ONE
 * database statement finds the number, its agent and its owner, whether the owner has ever paid,
 * whether their forwarding numbers are ours, and what we already know of this call, and records
 * the call; then at most ONE CreditAccount call holds the credits the call may spend (or counts
 * a forward). The answer is the agent's assistant with `maxDurationSeconds` from the hold, or a
 * refusal: a transfer to the owner's phone when it passes the destination policy, the business
 * has paid and is within its forwards for the day, else a short spoken `{error}`.
 *
 * A call id we already know (a replay inside the signature's window, a late duplicate) opens no
 * second hold: an ended call is refused, a refused one answered as before, one in progress gets
 * its own hold back (docs/decisions/0420-destination-policy.md).
 */

import type { Vapi } from "@vapi-ai/server-sdk";
import { eq, sql } from "drizzle-orm";
import { agents, type CallEvent } from "../../db/schema";
import type { AssistantRequestMessage } from "../../integrations/vapi/messages";
import { buildAssistant } from "../assistant";
import { hasPaid } from "../billing/paid";
import { creditAccount } from "../credits";
import { judgeDestination } from "../destinations";
import { CALL_CAP_SECONDS, type CallDeps, HOLD_GRACE_SECONDS } from "./deps";

export type RefusalReason = "unknown_number" | "no_agent" | "agent_paused" | "out_of_credit";

export type AssistantRequestAnswer =
  | {
      assistantId: string;
      /** `model`: Vapi's AssistantOverridesModel, kept opaque here so the route's types stay small. */
      assistantOverrides: { maxDurationSeconds: number; variableValues: Record<string, string>; model?: Record<string, unknown> };
    }
  | { destination: { type: "number"; number: string; message: string } }
  | { error: string };

interface CallContext extends Record<string, unknown> {
  business_id: string;
  agent_id: string | null;
  agent_status: string | null;
  vapi_assistant_id: string | null;
  agent_name: string | null;
  owner_phone: string | null;
  transfer_number: string | null;
  /** The business has a purchase that still stands (services/billing/paid.ts): only then is anything forwarded (docs/architecture.md §4). */
  paid: boolean;
  owner_phone_is_ours: boolean;
  transfer_is_ours: boolean;
  /** The call row as it was before this request (null: a new call id). */
  prior_status: string | null;
  prior_ended: boolean | null;
}

const SPOKEN_REFUSAL = "Sorry, no one can take your call right now. Please call back later.";
const TRANSFER_MESSAGE = "Please hold while I connect you.";

/** The single statement: number → agent → owner, the call as we knew it, and the call row (a refusal it can see already marked). */
function lookupAndRecord(vapiPhoneNumberId: string, message: AssistantRequestMessage) {
  const customer = message.call.customer?.number ?? message.customer?.number ?? null;
  return sql`
    with ctx as (
      select p.id as phone_number_id, p.business_id, a.id as agent_id, a.status as agent_status,
             a.vapi_assistant_id, a.name as agent_name, u.phone as owner_phone, a.transfer_number,
             ${hasPaid(sql`p.business_id`)} as paid,
             exists (select 1 from phone_numbers o where o.e164 = u.phone) as owner_phone_is_ours,
             exists (select 1 from phone_numbers o where o.e164 = a.transfer_number) as transfer_is_ours
      from phone_numbers p
      join businesses u on u.id = p.business_id and u.deleted_at is null
      left join agents a on a.id = p.agent_id
      where p.vapi_phone_number_id = ${vapiPhoneNumberId}
        -- A deleted business's number is no number of ours (ADR 1110): nothing recorded, no forward.
        and not exists (select 1 from businesses b where b.id = p.business_id and b.deleted_at is not null)
    ), prior as (
      select status, ended_at from calls where vapi_call_id = ${message.call.id}
    ), ins as (
      insert into calls (business_id, agent_id, phone_number_id, vapi_call_id, customer_number, status, refused_reason)
      select business_id, agent_id, phone_number_id, ${message.call.id}, ${customer},
             case when agent_id is null or agent_status <> 'active' then 'refused' else 'queued' end,
             case when agent_id is null then 'no_agent' when agent_status <> 'active' then 'agent_paused' end
      from ctx
      on conflict (vapi_call_id) do nothing
      returning id
    )
    select ctx.business_id, ctx.agent_id, ctx.agent_status, ctx.vapi_assistant_id, ctx.agent_name, ctx.owner_phone,
           ctx.transfer_number, ctx.paid, ctx.owner_phone_is_ours, ctx.transfer_is_ours,
           prior.status as prior_status, prior.ended_at is not null as prior_ended
    from ctx left join prior on true`;
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
  if (found.prior_status === "ended" || found.prior_ended) {
    logger.warn("assistant-request for a call that has ended (a replay or a late duplicate); refused", { vapiCallId });
    return { error: SPOKEN_REFUSAL };
  }
  const forwardTo = await forwardDestination(deps, found);
  const account = creditAccount(deps.env, found.business_id);
  if (!found.agent_id || found.agent_status !== "active" || !found.vapi_assistant_id || found.prior_status === "refused") {
    // A call refused once stays refused: a replay is answered the same way and never gets a hold.
    const reason = found.prior_status === "refused" ? "already_refused" : found.agent_id ? "agent_paused" : "no_agent";
    logger.info("call refused", { vapiCallId, reason });
    if (!forwardTo) return { error: SPOKEN_REFUSAL };
    const { allowed } = await account.forward({ callId: vapiCallId, forwardsPerDay: config.OUT_OF_CREDIT_FORWARDS_PER_DAY });
    return refusal(allowed ? forwardTo : null);
  }
  const creditsPerMinute = config.CREDITS_PER_MINUTE;
  const hold = await account.reserve({
    callId: vapiCallId,
    maxCredits: Math.ceil((CALL_CAP_SECONDS * creditsPerMinute) / 60),
    minCredits: creditsPerMinute,
    expiresInSeconds: CALL_CAP_SECONDS + HOLD_GRACE_SECONDS,
    ...(forwardTo ? { forwardsPerDay: config.OUT_OF_CREDIT_FORWARDS_PER_DAY } : {}),
  });
  if (!hold.ok) {
    if (hold.reason === "call_over") {
      logger.warn("assistant-request for a call whose hold is over (a replay); refused", { vapiCallId });
      return { error: SPOKEN_REFUSAL };
    }
    const forwarded = hold.reason === "insufficient_credits" && hold.forward ? forwardTo : null;
    // Where the caller went is part of the record: the call page says "forwarded to your phone", not only "out of credit".
    const events: CallEvent[] = forwarded ? [{ at: new Date().toISOString(), kind: "refused", detail: `Forwarded to your phone, ${forwarded}` }] : [];
    // Off the hot path: only a refused call pays for a second statement.
    await db.execute(sql`
      update calls set status = 'refused', refused_reason = 'out_of_credit', events = events || ${JSON.stringify(events)}::jsonb, updated_at = now()
      where vapi_call_id = ${vapiCallId} and status not in ('ended', 'refused')`);
    logger.info("call refused", { vapiCallId, reason: "out_of_credit", forwarded: Boolean(forwarded) });
    return refusal(forwarded);
  }
  const maxDurationSeconds = Math.min(CALL_CAP_SECONDS, Math.floor((hold.held * 60) / creditsPerMinute));
  const model = await withoutTransferIfRefused(deps, found);
  return {
    assistantId: found.vapi_assistant_id,
    assistantOverrides: { maxDurationSeconds, variableValues: { agentName: found.agent_name ?? "" }, ...(model ? { model } : {}) },
  };
}

/** The owner's phone, if calls may be forwarded there now: the business has paid and the number passes the policy. */
async function forwardDestination(deps: CallDeps, found: CallContext): Promise<string | null> {
  if (!found.owner_phone || !found.paid) return null;
  const verdict = await judgeDestination(found.owner_phone, deps.config, found.owner_phone_is_ours);
  if (verdict.ok) return found.owner_phone;
  deps.logger.warn("the owner's phone fails the destination policy; the caller is not forwarded", { rule: verdict.rule });
  return null;
}

/**
 * The agent's transfer number passed the policy when it was saved; if it no longer does (the
 * countries changed, it became one of our numbers, the business never paid), this call's model
 * is sent without the transferCall tool. Only then is the agent read (a second statement, off
 * the hot path like the out-of-credit refusal's).
 */
async function withoutTransferIfRefused(deps: CallDeps, found: CallContext): Promise<Record<string, unknown> | null> {
  if (!found.transfer_number || !found.agent_id) return null;
  const verdict = found.paid
    ? await judgeDestination(found.transfer_number, deps.config, found.transfer_is_ours)
    : ({ ok: false, rule: "no_completed_purchase" } as const);
  if (verdict.ok) return null;
  deps.logger.warn("the agent's transfer number fails the destination policy; this call has no transfer tool", { agentId: found.agent_id, rule: verdict.rule });
  const [agent] = await deps.db.select().from(agents).where(eq(agents.id, found.agent_id)).limit(1);
  if (!agent) return null;
  const assistant = buildAssistant({ ...agent, transferNumber: null }, { appUrl: deps.config.APP_URL, credentialId: "", environmentId: deps.config.ENVIRONMENT_ID });
  const model: Vapi.AssistantOverridesModel | undefined = assistant.model;
  return model ? { ...model } : null;
}

function refusal(forwardTo: string | null): AssistantRequestAnswer {
  if (forwardTo) return { destination: { type: "number", number: forwardTo, message: TRANSFER_MESSAGE } };
  return { error: SPOKEN_REFUSAL };
}
