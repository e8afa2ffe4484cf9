/**
 * `end-of-call-report`: acted on exactly once per Vapi call id, however often and however
 * concurrently Vapi delivers it. A claim in `webhook_events` picks one delivery; that delivery
 * stores the report on the call, settles the credits through the owner's CreditAccount (once,
 * keyed by the call id) and queues the Sheets row and the owner's call e-mail (keyed by the
 * call, so the consumer does each once). A failure releases the claim and answers 5xx, so
 * Vapi's backoff retries.
 *
 * Retries that land (ADR 0410): a delivery that finds the claim held waits up to
 * REPORT_WAIT_MS for the holder, and answers its outcome (`duplicate`) when the holder
 * finishes, or acts itself when the holder released the claim or its claim went stale. Only a
 * holder still working after the wait makes it `in_progress` (503). A claim is stale after
 * REPORT_CLAIM_TTL_SECONDS — longer than Vapi waits for one delivery (`server.timeoutSeconds`),
 * so a live holder is never overtaken, and well inside the assistants' backoff plan
 * (WEBHOOK_BACKOFF), so the retries of a report whose first delivery died reach the takeover.
 *
 * Reconciliation (services/calls/reconcile.ts) applies what Vapi's `GET /call` says through this
 * same function, so a late real report after it is a duplicate.
 */
import { sql } from "drizzle-orm";
import type { EndOfCallReportMessage } from "../../integrations/vapi/messages";
import type { SideEffectMessage } from "../../side-effects/messages";
import { WEBHOOK_TIMEOUT_SECONDS } from "../assistant";
import { creditAccount } from "../credits";
import { isImportant } from "../notifications";
import { textAfterCall } from "../texts/notify";
import { ownerOf } from "./call-owner";
import { claimEvent, completeEvent, releaseEvent } from "./claims";
import { type CallDeps, callCapCredits } from "./deps";

/** Vapi gives up on a delivery after WEBHOOK_TIMEOUT_SECONDS; a claim older than that plus a margin belongs to a dead delivery. */
export const REPORT_CLAIM_TTL_SECONDS = WEBHOOK_TIMEOUT_SECONDS + 10;
/** How long a duplicate waits for the delivery holding the claim: well under Vapi's timeout. */
export const REPORT_WAIT_MS = 4_000;
const REPORT_POLL_MS = 250;

export type ReportOutcome = "stored" | "duplicate" | "unknown_call" | "in_progress";

export interface ReportOptions {
  /** The worker's clock at arrival (claims are dated by it); a test passes a fixed one. */
  now?: Date;
  /** Sleeps between looks at a held claim; a test passes one that returns at once. */
  wait?: (ms: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface StoredRow extends Record<string, unknown> {
  id: string;
  business_id: string;
  status: string;
  refused_reason: string | null;
  duration_seconds: number | null;
  events: { kind: string }[];
  notify: string | null;
  sheets_logging: boolean | null;
  agent_id: string | null;
  customer_number: string | null;
  ended_reason: string | null;
  texting: unknown;
}

export async function handleEndOfCallReport(deps: CallDeps, message: EndOfCallReportMessage, options: ReportOptions | Date = {}): Promise<ReportOutcome> {
  const { now = new Date(), wait = sleep } = options instanceof Date ? { now: options } : options;
  const eventId = reportEventId(message.call.id);
  let claim = await claimEvent(deps.db, "vapi", eventId, REPORT_CLAIM_TTL_SECONDS, now);
  for (let waited = 0; !claim.claimed && claim.outcome === null && waited < REPORT_WAIT_MS; ) {
    await wait(REPORT_POLL_MS);
    waited += REPORT_POLL_MS;
    claim = await claimEvent(deps.db, "vapi", eventId, REPORT_CLAIM_TTL_SECONDS, new Date(now.getTime() + waited));
  }
  if (!claim.claimed) return claim.outcome === null ? "in_progress" : "duplicate";
  try {
    const outcome = await act(deps, message);
    if (outcome === "unknown_call") {
      // Nothing was stored or charged: a later delivery (or reconciliation, once a row for the
      // call exists) must still be able to act, so this outcome is not kept as the claim's.
      await releaseEvent(deps.db, "vapi", eventId);
      return "unknown_call";
    }
    await completeEvent(deps.db, "vapi", eventId, outcome);
    return "stored";
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
  const row = await storeReport(deps, message, seconds ?? null);
  if (!row) {
    logger.warn("end-of-call report for an assistant and number we do not have; recorded, not billed", { vapiCallId: message.call.id });
    return "unknown_call";
  }
  const refused = row.status === "refused";
  // No length anywhere (message, call, our status-update times): the hold's cap, never free.
  const settled = await creditAccount(deps.env, row.business_id).settle({
    callId: message.call.id,
    seconds: refused ? 0 : (row.duration_seconds ?? undefined),
    maxCredits: callCapCredits(deps.config.CREDITS_PER_MINUTE),
    callRowId: row.id,
  });
  const charged = settled.ok ? settled.charged : 0;
  if (charged) await db.execute(sql`update calls set credits_charged = ${charged}, updated_at = now() where id = ${row.id}::uuid`);
  const effects: SideEffectMessage[] = [];
  if (row.sheets_logging && !refused) effects.push({ type: "sheets.append_call", idempotencyKey: `sheets:${row.id}`, callId: row.id });
  const notify = row.notify ?? "important";
  const important = isImportant({ structuredData: message.analysis?.structuredData, events: row.events, refused });
  if (notify === "all" || (notify === "important" && important)) {
    effects.push({ type: "email.call_summary", idempotencyKey: `call-email:${row.id}`, businessId: row.business_id, callId: row.id });
  }
  if (effects.length) await deps.env.SIDE_EFFECTS.sendBatch(effects.map((body) => ({ body })));
  await textAfterCall(deps, { id: row.id, businessId: row.business_id, agentId: row.agent_id, customerNumber: row.customer_number, refused, durationSeconds: row.duration_seconds, endedReason: row.ended_reason, texting: row.texting, important });
  return `settled:${charged}`;
}

/**
 * Stores everything the report says on the call row (creating it if no earlier message did),
 * unless a report is stored there already: then that one is what is billed. A report without a length takes it from the times our status updates recorded; still none
 * leaves `duration_seconds` null (unknown), and the caller bills the hold.
 */
async function storeReport(deps: CallDeps, message: EndOfCallReportMessage, seconds: number | null): Promise<StoredRow | undefined> {
  const artifact = message.artifact;
  // Resolved at the parse (messages.ts normaliseReport): the message's, else the call's; readable times only.
  const startedAt = message.startedAt ?? null;
  const endedAt = message.endedAt ?? null;
  const transcript = artifact?.transcript ?? message.transcript ?? null;
  const recordingUrl = artifact?.recordingUrl ?? artifact?.recording?.mono?.combinedUrl ?? message.recordingUrl ?? null;
  const summary = message.analysis?.summary ?? message.summary ?? null;
  const structured = message.analysis?.structuredData ? JSON.stringify(message.analysis.structuredData) : null;
  const messages = artifact?.messages ? JSON.stringify(artifact.messages) : null;
  const cost = message.cost ?? null;
  const result = await deps.db.execute<StoredRow>(sql`
    with up as (
      insert into calls (business_id, agent_id, phone_number_id, customer_number, vapi_call_id, status, started_at, ended_at,
                         duration_seconds, ended_reason, transcript, summary, recording_url, structured_data, messages,
                         vapi_cost, report_received_at)
      select business_id, agent_id, phone_number_id, customer_number, ${message.call.id}, 'ended', ${startedAt}::timestamptz,
             ${endedAt}::timestamptz, ${seconds}, ${message.endedReason ?? null}, ${transcript}, ${summary}, ${recordingUrl},
             ${structured}::jsonb, ${messages}::jsonb, ${cost}::numeric, now()
      from (${ownerOf(message)}) as owner
      on conflict (vapi_call_id) do update set
        status = case when calls.status = 'refused' then 'refused' else 'ended' end,
        started_at = coalesce(excluded.started_at, calls.started_at),
        ended_at = coalesce(excluded.ended_at, calls.ended_at),
        duration_seconds = coalesce(excluded.duration_seconds, case
          when coalesce(excluded.ended_at, calls.ended_at) >= coalesce(excluded.started_at, calls.started_at)
          then round(extract(epoch from coalesce(excluded.ended_at, calls.ended_at) - coalesce(excluded.started_at, calls.started_at)))::int
        end),
        ended_reason = coalesce(excluded.ended_reason, calls.ended_reason),
        transcript = excluded.transcript, summary = excluded.summary, recording_url = excluded.recording_url,
        structured_data = excluded.structured_data, messages = excluded.messages, vapi_cost = excluded.vapi_cost,
        customer_number = coalesce(calls.customer_number, excluded.customer_number),
        report_received_at = now(), updated_at = now()
      -- The first version stored stays: a second actor (a delivery that took over a stale claim
      -- while its holder still worked, or reconciliation's version of the call) bills what is
      -- stored, so the row's length and its charge are one version's.
      where calls.report_received_at is null
      returning id, business_id, agent_id, status, refused_reason, duration_seconds, events, customer_number, ended_reason
    ),
    stored as (
      select id, business_id, agent_id, status, refused_reason, duration_seconds, events, customer_number, ended_reason from up
      union all
      select id, business_id, agent_id, status, refused_reason, duration_seconds, events, customer_number, ended_reason from calls
      where vapi_call_id = ${message.call.id} and report_received_at is not null and not exists (select 1 from up)
        and not exists (select 1 from businesses b where b.id = calls.business_id and b.deleted_at is not null)
    )
    select s.id, s.business_id, s.agent_id, s.status, s.refused_reason, s.duration_seconds, s.events, s.customer_number, s.ended_reason,
      a.notify, a.sheets_logging, a.texting
    from stored s left join agents a on a.id = s.agent_id`);
  return result.rows[0];
}

/**
 * The call's length in whole seconds as the parse resolved it (messages.ts normaliseReport, docs/vapi.md:
 * endedAt − startedAt, else duration fields that agree). Undefined when the message says nothing
 * we can trust about the call's length (never 0 by omission): two duration fields that disagree
 * are no timing, not a choice of the second.
 */
export function durationSeconds(message: EndOfCallReportMessage): number | undefined {
  return message.durationSeconds === undefined ? undefined : Math.round(message.durationSeconds);
}
