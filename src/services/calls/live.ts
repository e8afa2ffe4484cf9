/**
 * What Vapi says while a call runs: `status-update` moves the call forward (never back: an
 * ended call does not return to in-progress, whatever order the updates arrive in), and final
 * `transcript` messages append the utterance to the live conversation in one statement, kept
 * unique and in Vapi's timestamp order, so repeats and reordering change nothing.
 */
import { sql } from "drizzle-orm";
import type { StatusUpdateMessage, TranscriptMessage } from "../../integrations/vapi/messages";
import { FORWARDING_TEST_MINUTES } from "../phone-numbers/forwarding";
import { messageTime, ownerOf, statusRank } from "./call-owner";
import type { CallDeps } from "./deps";

const FORWARDING_WINDOW = sql.raw(`interval '${FORWARDING_TEST_MINUTES} minutes'`);

export async function recordStatus(deps: Pick<CallDeps, "db" | "logger">, message: StatusUpdateMessage, now = new Date()) {
  const at = messageTime(message, now);
  const status = message.status;
  const startedAt = status === "in-progress" ? (message.call.startedAt ?? at) : null;
  const endedAt = status === "ended" ? (message.call.endedAt ?? at) : null;
  const endedReason = status === "ended" ? (message.endedReason ?? message.call.endedReason ?? null) : null;
  // The same statement verifies a forwarding test this call answers (services/phone-numbers/forwarding.ts): no round trip of its own.
  const result = await deps.db.execute(sql`
    with up as (
    insert into calls (business_id, agent_id, phone_number_id, customer_number, vapi_call_id, status, started_at, ended_at, ended_reason)
    select business_id, agent_id, phone_number_id, customer_number, ${message.call.id}, ${status},
           ${startedAt}::timestamptz, ${endedAt}::timestamptz, ${endedReason}
    from (${ownerOf(message)}) as owner
    on conflict (vapi_call_id) do update set
      status = case when ${statusRank(sql`excluded.status`)} > ${statusRank(sql`calls.status`)} then excluded.status else calls.status end,
      started_at = coalesce(calls.started_at, excluded.started_at),
      ended_at = coalesce(calls.ended_at, excluded.ended_at),
      ended_reason = coalesce(calls.ended_reason, excluded.ended_reason),
      customer_number = coalesce(calls.customer_number, excluded.customer_number),
      updated_at = now()
    returning id, phone_number_id, customer_number, created_at
    ), verified as (
      update phone_numbers p set forwarding_verified_at = now(), forwarding_test_from = null, forwarding_test_until = null, updated_at = now()
      from up
      where p.id = up.phone_number_id and p.forwarding_test_from = up.customer_number
        and up.created_at between p.forwarding_test_until - ${FORWARDING_WINDOW} and p.forwarding_test_until
      returning p.id
    )
    select id from up`);
  if (!result.rows.length) deps.logger.warn("status-update for a call nobody here owns; ignored", { vapiCallId: message.call.id, status });
}

export async function recordTranscript(deps: Pick<CallDeps, "db" | "logger">, message: TranscriptMessage, now = new Date()) {
  if (message.transcriptType !== "final" || !message.transcript.trim()) return;
  const at = message.timestamp && message.timestamp > 1e11 ? Math.floor(message.timestamp) : now.getTime();
  const utterance = JSON.stringify([{ at, role: message.role, text: message.transcript.trim() }]);
  const result = await deps.db.execute(sql`
    insert into calls (business_id, agent_id, phone_number_id, customer_number, vapi_call_id, status, live_transcript)
    select business_id, agent_id, phone_number_id, customer_number, ${message.call.id}, 'in-progress', ${utterance}::jsonb
    from (${ownerOf(message)}) as owner
    on conflict (vapi_call_id) do update set
      live_transcript = (
        select coalesce(jsonb_agg(u order by (u->>'at')::bigint, u->>'role', u->>'text'), '[]'::jsonb)
        from (select distinct u from jsonb_array_elements(calls.live_transcript || excluded.live_transcript) as e(u)) as d
      ),
      updated_at = now()
    where calls.report_received_at is null
    returning id`);
  if (!result.rows.length) deps.logger.info("transcript not stored (unknown call, or its report is in)", { vapiCallId: message.call.id });
}
