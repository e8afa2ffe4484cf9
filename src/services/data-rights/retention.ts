/**
 * The retention sweep (docs/architecture.md §7d, ADR 1111), run by the Cron Trigger: a call's
 * transcript, messages, summary and recording are deleted once the call is older than its
 * business's `retention_days` — at Vapi too (`DELETE /call/{id}` removes the call with its
 * artifacts, the recording among them), then here. Each step takes a bounded batch, oldest first;
 * what it marks done (`artifacts_deleted_at`) leaves its scan, so the next run resumes where this
 * one stopped. The call row itself stays (length, cost, charge, caller: the business's call log).
 *
 * Also pruned: kept vendor messages that a replay applied more than 30 days ago, and dead letters
 * replayed more than 90 days ago. Deleted businesses are left to their deletion job.
 */
import { inArray, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { calls } from "../../db/schema";
import { deleteAtVapi, type VapiClient } from "../../integrations/vapi/client";
import { describeError, type Logger } from "../../lib/logger";

/** Rows per step per run. */
export const RETENTION_BATCH = 500;
const VAPI_CONCURRENCY = 10;
export const APPLIED_VENDOR_MESSAGE_DAYS = 30;
export const REPLAYED_DEAD_LETTER_DAYS = 90;

export interface RetentionDeps {
  db: Database;
  logger: Logger;
  /** Throws when Vapi is not configured: then only our copies are deleted (there is nothing of ours at a Vapi we cannot reach). */
  vapi: () => VapiClient;
}

export interface RetentionResult {
  callsPurged: number;
  /** Calls whose deletion at Vapi failed this run: left as they are, tried again next run. */
  callsFailed: number;
  vendorMessagesPruned: number;
  deadLettersPruned: number;
}

export async function sweepRetention(deps: RetentionDeps, options: { now: Date; batch?: number }): Promise<RetentionResult> {
  const batch = options.batch ?? RETENTION_BATCH;
  const { purged, failed } = await purgeExpiredCalls(deps, options.now, batch);
  const vendorMessagesPruned = await deleteReturningCount(
    deps.db,
    sql`delete from undelivered_vendor_messages where id in (
          select id from undelivered_vendor_messages
          where applied_at < ${options.now.toISOString()}::timestamptz - make_interval(days => ${APPLIED_VENDOR_MESSAGE_DAYS})
          order by applied_at limit ${batch})
        returning 1`,
  );
  const deadLettersPruned = await deleteReturningCount(
    deps.db,
    sql`delete from dead_letters where id in (
          select id from dead_letters
          where replayed_at is not null and created_at < ${options.now.toISOString()}::timestamptz - make_interval(days => ${REPLAYED_DEAD_LETTER_DAYS})
          order by created_at limit ${batch})
        returning 1`,
  );
  return { callsPurged: purged, callsFailed: failed, vendorMessagesPruned, deadLettersPruned };
}

async function deleteReturningCount(db: Database, statement: ReturnType<typeof sql>): Promise<number> {
  const result = await db.execute(statement);
  return result.rows.length;
}

interface ExpiredCall extends Record<string, unknown> {
  id: string;
  vapi_call_id: string;
}

async function purgeExpiredCalls(deps: RetentionDeps, now: Date, batch: number) {
  // Oldest first along calls_retention_idx; the business's own period decides what is due.
  const due = await deps.db.execute<ExpiredCall>(sql`
    select c.id, c.vapi_call_id
    from calls c join businesses b on b.id = c.business_id
    where c.artifacts_deleted_at is null and b.deleted_at is null
      and c.created_at < ${now.toISOString()}::timestamptz - make_interval(days => b.retention_days)
    order by c.created_at, c.id
    limit ${batch}`);
  if (!due.rows.length) return { purged: 0, failed: 0 };
  let vapi: VapiClient | undefined;
  try {
    vapi = deps.vapi();
  } catch {
    deps.logger.warn("retention: Vapi is not configured; only our copies of the conversations are deleted");
  }
  const done: string[] = [];
  let failed = 0;
  for (let i = 0; i < due.rows.length; i += VAPI_CONCURRENCY) {
    const chunk = due.rows.slice(i, i + VAPI_CONCURRENCY);
    const settled = await Promise.allSettled(
      chunk.map(async (row) => {
        if (vapi) {
          const client = vapi;
          await deleteAtVapi(() => client.calls.delete({ id: row.vapi_call_id }), "delete the call");
        }
        return row.id;
      }),
    );
    for (const [index, result] of settled.entries()) {
      if (result.status === "fulfilled") done.push(result.value);
      else {
        failed += 1;
        deps.logger.warn("retention: call not deleted at Vapi; tried again next run", { callId: chunk[index]?.id, ...describeError(result.reason) });
      }
    }
  }
  if (done.length) {
    await deps.db
      .update(calls)
      .set({ transcript: null, summary: null, recordingUrl: null, messages: null, liveTranscript: [], artifactsDeletedAt: now, updatedAt: now })
      .where(inArray(calls.id, done));
  }
  return { purged: done.length, failed };
}
