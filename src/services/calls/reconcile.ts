/**
 * Reconciliation (docs/architecture.md §4, ADR 0410): calls whose end-of-call report never came are settled
 * from what Vapi says, once. Run by the Cron Trigger (src/scheduled).
 *
 * A call qualifies when its hold has expired (opened more than the call cap plus the hold's
 * grace ago), it has no report, and it was not refused (a refused call holds and costs
 * nothing). For each, oldest-looked-at first and a bounded batch per run:
 * 1. a message we kept because we could not parse it (services/calls/undelivered.ts) is
 *    replayed first: if our parsing reads it now, that is the report;
 * 2. else Vapi is asked (`GET /call/{id}` through the SDK's `calls.get`); an ended call becomes
 *    an end-of-call-report message, parsed by the webhook's own schema and applied by
 *    `handleEndOfCallReport` — the same claim, the same settle (capped by the hold, the hold's
 *    cap when Vapi gives no timing), so a late real report after this is a duplicate.
 * A call Vapi has not ended, does not know (404), or that fails to load is skipped and moved to
 * the back of the queue (`updated_at`), so one bad call never blocks the batch; a failure of
 * Vapi or the database is logged and the run goes on with the next call.
 */
import type { Vapi } from "@vapi-ai/server-sdk";
import { sql } from "drizzle-orm";
import { reportFromCall } from "../../integrations/vapi/call-report";
import { isVapiNotFound, type VapiClient } from "../../integrations/vapi/client";
import { parseVapiMessage } from "../../integrations/vapi/messages";
import { describeError } from "../../lib/logger";
import { CALL_CAP_SECONDS, type CallDeps, HOLD_GRACE_SECONDS } from "./deps";
import { handleEndOfCallReport } from "./report";
import { replayUndelivered, undeliveredForCall } from "./undelivered";

export const RECONCILE_BATCH = 20;
/** Calls older than this without a report are left to an operator (logged by the scan's age bound). */
export const RECONCILE_MAX_AGE_DAYS = 7;

export interface ReconcileDeps extends CallDeps {
  /** Made on first use: a run whose calls all settle from kept messages needs no Vapi key. */
  vapi: () => VapiClient;
}

export interface ReconcileOptions {
  now?: Date;
  batch?: number;
  /** One business's calls only (an operator's run, a test); every business's by default. */
  businessId?: string;
  /** Passed to the report handling (a test's instant wait). */
  wait?: (ms: number) => Promise<void>;
}

export interface ReconcileResult {
  examined: number;
  /** Calls settled this run: from a kept message, or from Vapi's record of the call. */
  applied: { vapiCallId: string; from: "kept_message" | "vapi"; outcome: string }[];
  skipped: { vapiCallId: string; reason: string }[];
}

export async function reconcileUnreportedCalls(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconcileResult> {
  const now = options.now ?? new Date();
  const holdExpiredBefore = new Date(now.getTime() - (CALL_CAP_SECONDS + HOLD_GRACE_SECONDS) * 1000).toISOString();
  const oldest = new Date(now.getTime() - RECONCILE_MAX_AGE_DAYS * 86_400_000).toISOString();
  const { rows } = await deps.db.execute<{ vapi_call_id: string }>(sql`
    select vapi_call_id from calls
    where report_received_at is null and status <> 'refused'
      and created_at < ${holdExpiredBefore}::timestamptz and created_at > ${oldest}::timestamptz
      ${options.businessId ? sql`and business_id = ${options.businessId}::uuid` : sql``}
    order by updated_at, id
    limit ${options.batch ?? RECONCILE_BATCH}`);
  const result: ReconcileResult = { examined: rows.length, applied: [], skipped: [] };
  for (const { vapi_call_id: vapiCallId } of rows) {
    try {
      const applied = (await fromKeptMessage(deps, vapiCallId, options)) ?? (await fromVapi(deps, vapiCallId, options));
      if ("outcome" in applied) result.applied.push({ vapiCallId, from: applied.from, outcome: applied.outcome });
      else {
        result.skipped.push({ vapiCallId, reason: applied.reason });
        await moveToBack(deps, vapiCallId);
      }
    } catch (error) {
      deps.logger.warn("call reconciliation failed; retried on a later run", { vapiCallId, ...describeError(error) });
      result.skipped.push({ vapiCallId, reason: "failed" });
      await moveToBack(deps, vapiCallId).catch(() => undefined);
    }
  }
  deps.logger.info("call reconciliation finished", { examined: result.examined, applied: result.applied.length, skipped: result.skipped.length });
  return result;
}

type Attempt = { from: "kept_message" | "vapi"; outcome: string } | { from: "kept_message" | "vapi"; reason: string };

const REPORT_OUTCOMES = new Set(["stored", "duplicate", "unknown_call"]);

/** Replays what we kept for the call; the report among it settles the call. */
async function fromKeptMessage(deps: CallDeps, vapiCallId: string, options: ReconcileOptions): Promise<Attempt | undefined> {
  let report: string | undefined;
  for (const id of await undeliveredForCall(deps.db, vapiCallId)) {
    const replayed = await replayUndelivered(deps, id, options);
    if (replayed.status === "applied" && REPORT_OUTCOMES.has(replayed.outcome)) report = replayed.outcome;
  }
  return report ? { from: "kept_message", outcome: report } : undefined;
}

async function fromVapi(deps: ReconcileDeps, vapiCallId: string, options: ReconcileOptions): Promise<Attempt> {
  let vapiCall: Vapi.Call;
  try {
    vapiCall = await deps.vapi().calls.get({ id: vapiCallId });
  } catch (error) {
    if (isVapiNotFound(error)) {
      deps.logger.warn("call reconciliation: Vapi does not know the call", { vapiCallId });
      return { from: "vapi", reason: "not_found_at_vapi" };
    }
    throw error;
  }
  if (vapiCall.status !== "ended") return { from: "vapi", reason: `not_ended:${vapiCall.status ?? "unknown"}` };
  const parsed = parseVapiMessage({ message: reportFromCall(vapiCall) });
  if (parsed.kind !== "message" || parsed.message.type !== "end-of-call-report") {
    deps.logger.warn("call reconciliation: Vapi's call could not be read as a report", { vapiCallId });
    return { from: "vapi", reason: "unreadable" };
  }
  const outcome = await handleEndOfCallReport(deps, parsed.message, { now: options.now, wait: options.wait });
  if (outcome === "in_progress") return { from: "vapi", reason: "in_progress" };
  deps.logger.info("call settled by reconciliation", { vapiCallId, outcome });
  return { from: "vapi", outcome };
}

async function moveToBack(deps: CallDeps, vapiCallId: string) {
  await deps.db.execute(sql`update calls set updated_at = now() where vapi_call_id = ${vapiCallId}`);
}
