/**
 * `end-of-call-report`: acted on exactly once per Vapi call id, however often and however
 * concurrently Vapi delivers it. A claim in `webhook_events` picks one delivery (a claim left
 * by a delivery that died is taken over after CLAIM_TTL); that delivery stores the report on
 * the call, settles the credits through the owner's CreditAccount (once, keyed by the call id)
 * and queues the Sheets row and the owner's call e-mail (keyed by the call, so the consumer
 * does each once). A failure releases the claim and answers 5xx, so Vapi's backoff retries.
 * A delivery that finds the claim held (another delivery is acting, or died acting less than
 * CLAIM_TTL ago) is `in_progress`: the route answers 503 so Vapi retries it, and the retry after
 * the TTL takes a dead claim over. Answering 200 there would lose the report with the dead worker.
 */
import { sql } from "drizzle-orm";
import type { EndOfCallReportMessage } from "../../integrations/vapi/messages";
import type { SideEffectMessage } from "../../queues/messages";
import { creditAccount } from "../credits";
import { ownerOf } from "./call-owner";
import { claimEvent, completeEvent, releaseEvent } from "./claims";
import type { CallDeps } from "./deps";
import { isImportant } from "./notify";

export const REPORT_CLAIM_TTL_SECONDS = 120;

export type ReportOutcome = "stored" | "duplicate" | "unknown_call" | "in_progress";

interface StoredRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  status: string;
  refused_reason: string | null;
  events: { kind: string }[];
  notify: string | null;
  sheets_logging: boolean | null;
}

export async function handleEndOfCallReport(deps: CallDeps, message: EndOfCallReportMessage, now = new Date()): Promise<ReportOutcome> {
  const eventId = reportEventId(message.call.id);
  const claim = await claimEvent(deps.db, "vapi", eventId, REPORT_CLAIM_TTL_SECONDS, now);
  if (!claim.claimed) return claim.outcome === null ? "in_progress" : "duplicate";
  try {
    const outcome = await act(deps, message);
    await completeEvent(deps.db, "vapi", eventId, outcome);
    return outcome === "unknown_call" ? "unknown_call" : "stored";
  } catch (error) {
    await releaseEvent(deps.db, "vapi", eventId).catch(() => undefined);
    throw error;
  }
}

/** The `webhook_events` id of a call's report claim. */
export const reportEventId = (vapiCallId: string) => `end-of-call-report:${vapiCallId}`;

async function act(deps: CallDeps, message: EndOfCallReportMessage): Promise<string> {
  const { db, logger } = deps;
  const seconds = durationSeconds(message);
  const row = await storeReport(deps, message, seconds);
  if (!row) {
    logger.warn("end-of-call report for an assistant and number we do not have; recorded, not billed", { vapiCallId: message.call.id });
    return "unknown_call";
  }
  const refused = row.status === "refused";
  const settled = await creditAccount(deps.env, row.user_id).settle({ callId: message.call.id, seconds: refused ? 0 : seconds, callRowId: row.id });
  const charged = settled.ok ? settled.charged : 0;
  if (charged) await db.execute(sql`update calls set credits_charged = ${charged}, updated_at = now() where id = ${row.id}::uuid`);
  const effects: SideEffectMessage[] = [];
  if (row.sheets_logging && !refused) effects.push({ type: "sheets.append_call", idempotencyKey: `sheets:${row.id}`, callId: row.id });
  const notify = row.notify ?? "important";
  if (notify === "all" || (notify === "important" && isImportant({ structuredData: message.analysis?.structuredData, events: row.events, refused }))) {
    effects.push({ type: "email.call_summary", idempotencyKey: `call-email:${row.id}`, userId: row.user_id, callId: row.id });
  }
  if (effects.length) await deps.env.SIDE_EFFECTS.sendBatch(effects.map((body) => ({ body })));
  return `settled:${charged}`;
}

/** Stores everything the report says on the call row (creating it if no earlier message did). */
async function storeReport(deps: CallDeps, message: EndOfCallReportMessage, seconds: number): Promise<StoredRow | undefined> {
  const artifact = message.artifact;
  const startedAt = message.startedAt ?? message.call.startedAt ?? null;
  const endedAt = message.endedAt ?? message.call.endedAt ?? null;
  const transcript = artifact?.transcript ?? message.transcript ?? null;
  const recordingUrl = artifact?.recordingUrl ?? artifact?.recording?.mono?.combinedUrl ?? message.recordingUrl ?? null;
  const summary = message.analysis?.summary ?? message.summary ?? null;
  const structured = message.analysis?.structuredData ? JSON.stringify(message.analysis.structuredData) : null;
  const messages = artifact?.messages ? JSON.stringify(artifact.messages) : null;
  const cost = message.cost ?? null;
  const result = await deps.db.execute<StoredRow>(sql`
    with up as (
      insert into calls (user_id, agent_id, phone_number_id, customer_number, vapi_call_id, status, started_at, ended_at,
                         duration_seconds, ended_reason, transcript, summary, recording_url, structured_data, messages,
                         vapi_cost, report_received_at)
      select user_id, agent_id, phone_number_id, customer_number, ${message.call.id}, 'ended', ${startedAt}::timestamptz,
             ${endedAt}::timestamptz, ${seconds}, ${message.endedReason ?? null}, ${transcript}, ${summary}, ${recordingUrl},
             ${structured}::jsonb, ${messages}::jsonb, ${cost}::numeric, now()
      from (${ownerOf(message)}) as owner
      on conflict (vapi_call_id) do update set
        status = case when calls.status = 'refused' then 'refused' else 'ended' end,
        started_at = coalesce(excluded.started_at, calls.started_at),
        ended_at = coalesce(excluded.ended_at, calls.ended_at),
        duration_seconds = excluded.duration_seconds,
        ended_reason = coalesce(excluded.ended_reason, calls.ended_reason),
        transcript = excluded.transcript, summary = excluded.summary, recording_url = excluded.recording_url,
        structured_data = excluded.structured_data, messages = excluded.messages, vapi_cost = excluded.vapi_cost,
        customer_number = coalesce(calls.customer_number, excluded.customer_number),
        report_received_at = now(), updated_at = now()
      returning id, user_id, agent_id, status, refused_reason, events
    )
    select up.id, up.user_id, up.status, up.refused_reason, up.events, a.notify, a.sheets_logging
    from up left join agents a on a.id = up.agent_id`);
  return result.rows[0];
}

/** From endedAt − startedAt (VAPI.md); Vapi's own duration fields only when those are missing. */
export function durationSeconds(message: EndOfCallReportMessage): number {
  const started = Date.parse(message.startedAt ?? message.call.startedAt ?? "");
  const ended = Date.parse(message.endedAt ?? message.call.endedAt ?? "");
  if (Number.isFinite(started) && Number.isFinite(ended) && ended >= started) return Math.round((ended - started) / 1000);
  if (message.durationSeconds !== undefined) return Math.round(message.durationSeconds);
  if (message.durationMs !== undefined) return Math.round(message.durationMs / 1000);
  return 0;
}
