/**
 * Deleting a business (docs/architecture.md §7d, ADR 1110). `requestBusinessDeletion` is the
 * owner's DELETE: one transaction marks the business deleted and takes away everyone's access at
 * once (memberships, invitations, sessions pointed at it), pauses its agents so no call is
 * answered for it any more, and records the job. `runBusinessDeletion` then does what needs the
 * vendors, in steps that are each idempotent and bounded:
 *
 *   1. numbers released at Vapi (and at Twilio when bought there), then their rows deleted;
 *   2. assistants deleted at Vapi, then the agents (their booking holds go with them);
 *   3. the Google grant revoked and the connection deleted, and the Stripe customer deleted (its
 *      e-mail and saved card at Stripe; charges stay there, as Stripe keeps them);
 *   4. calls deleted at Vapi (their recordings and transcripts there) and scrubbed here, a batch
 *      at a time;
 *   5. what else is personal here removed in one transaction (kept vendor messages and dead
 *      letters of its calls, ledger descriptions, audit entries, the business's name and phone);
 *   6. the accounts of former members who belong to no other business deleted;
 *   7. the job marked complete.
 *
 * A vendor failing halfway stops the run where it is: the job records the error and the next try
 * (the queue message's retry, else the Cron Trigger) starts again from step 1, finding done what
 * was done. A lease keeps two runs from working at once; a second DELETE adds nothing.
 */
import { and, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { agents, bookingHolds, businessDeletions, businesses, calls, invitations, memberships, phoneNumbers, sessions } from "../../db/schema";
import { AppError } from "../../errors";
import { deleteAtVapi } from "../../integrations/vapi/client";
import { describeError } from "../../lib/logger";
import type { Services } from "../create-services";
import { revokeForDeletion } from "../google/connect";
import { releaseNumber } from "../phone-numbers/provider";

/** Calls deleted at Vapi and scrubbed per run of step 4. */
export const DELETION_CALL_BATCH = 100;
/** Vapi requests in flight at once while deleting calls. */
const VAPI_CONCURRENCY = 8;
/** How long a run may hold the job before another may take it over (a run that died). */
export const DELETION_LEASE_MS = 10 * 60_000;
const BASE_RETRY_MS = 60_000;
const MAX_RETRY_MS = 6 * 60 * 60_000;
/** What a deleted business is called from then on (the row stays: the ledger points at it). */
export const DELETED_BUSINESS_NAME = "Deleted business";

export type DeletionDeps = Pick<Services, "db" | "env" | "config" | "logger" | "now" | "vapi" | "twilio" | "google" | "stripe">;
export type DeletionRun = "completed" | "more" | "busy" | "not_found";

/** 1 min, 2, 4, … capped at 6 hours: the wait after the n-th failed run. */
export function deletionRetryMs(failures: number): number {
  return Math.min(MAX_RETRY_MS, BASE_RETRY_MS * 2 ** Math.max(0, failures - 1));
}

/**
 * The owner's request. `confirm` must be the business's name exactly (else 400, nothing changed).
 * Answers the job as stored: a later request for a business being deleted cannot get here (its
 * members have no membership any more), and one that raced the first gets the same answer.
 */
export async function requestBusinessDeletion(deps: Pick<Services, "db" | "now">, input: { businessId: string; userId: string; confirm: string }) {
  const { db } = deps;
  const [business] = await db.select({ name: businesses.name, deletedAt: businesses.deletedAt }).from(businesses).where(eq(businesses.id, input.businessId)).limit(1);
  if (!business) throw new AppError("not_found", "No such business.");
  // A request that raced the one that started the deletion (both past the role check): the same answer.
  if (business.deletedAt) return deletionState(db, input.businessId, business.deletedAt);
  if (input.confirm !== business.name) {
    throw new AppError("bad_request", `To delete this business, type its name exactly as it is: "${business.name}".`, { field: "confirm" });
  }
  const now = deps.now();
  const id = input.businessId;
  // One transaction: from its commit on, nobody works in the business and no call is answered for it.
  await db.batch([
    db.execute(sql`
      insert into ${businessDeletions} (business_id, requested_by, member_ids, requested_at, next_attempt_at)
      values (${id}::uuid, ${input.userId}::uuid,
              array(select user_id from ${memberships} where business_id = ${id}::uuid), ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz)
      on conflict (business_id) do nothing`),
    db
      .update(businesses)
      .set({ deletedAt: now, autoTopUpEnabled: false, updatedAt: now })
      .where(and(eq(businesses.id, id), isNull(businesses.deletedAt))),
    db.update(agents).set({ status: "paused", updatedAt: now }).where(eq(agents.businessId, id)),
    db.delete(invitations).where(eq(invitations.businessId, id)),
    db.delete(memberships).where(eq(memberships.businessId, id)),
    db.update(sessions).set({ businessId: null }).where(eq(sessions.businessId, id)),
  ]);
  return deletionState(db, id, now);
}

async function deletionState(db: Database, businessId: string, fallback: Date) {
  const [job] = await db.select().from(businessDeletions).where(eq(businessDeletions.businessId, businessId)).limit(1);
  return { businessId, requestedAt: (job?.requestedAt ?? fallback).toISOString(), status: job?.completedAt ? ("completed" as const) : ("in_progress" as const) };
}

/**
 * DELETE /api/business: the request (above), then the job's first run is queued. A queue that
 * cannot take the message loses nothing: the Cron Trigger runs every open job that is due.
 */
export async function deleteBusiness(deps: Pick<Services, "db" | "now" | "env" | "logger">, input: { businessId: string; userId: string; confirm: string }) {
  const deletion = await requestBusinessDeletion(deps, input);
  if (deletion.status !== "completed") {
    await deps.env.SIDE_EFFECTS.send({ type: "business.delete", idempotencyKey: `business-delete:${input.businessId}:${crypto.randomUUID()}`, businessId: input.businessId }).catch((error: unknown) => {
      deps.logger.warn("business deletion not queued; the Cron Trigger will run it", { businessId: input.businessId, ...describeError(error) });
    });
  }
  return deletion;
}

/** Takes the job for this run, or null when it is done, unknown or another run holds it. */
async function claim(db: Database, businessId: string, now: Date) {
  const leaseUntil = new Date(now.getTime() + DELETION_LEASE_MS);
  const [job] = await db
    .update(businessDeletions)
    .set({ leaseUntil })
    .where(
      and(
        eq(businessDeletions.businessId, businessId),
        isNull(businessDeletions.completedAt),
        or(isNull(businessDeletions.leaseUntil), sql`${businessDeletions.leaseUntil} <= ${now.toISOString()}::timestamptz`),
      ),
    )
    .returning();
  return job ?? null;
}

/**
 * One run of the job: the steps in order until all are done ("completed"), a bounded step has
 * more to do ("more": run again soon), or a step fails (recorded with its backoff, then thrown so
 * a queue message is retried). "busy": another run holds the lease; "not_found": no open job.
 */
export async function runBusinessDeletion(deps: DeletionDeps, businessId: string): Promise<DeletionRun> {
  const now = deps.now();
  const job = await claim(deps.db, businessId, now);
  if (!job) {
    const [existing] = await deps.db.select({ completedAt: businessDeletions.completedAt }).from(businessDeletions).where(eq(businessDeletions.businessId, businessId)).limit(1);
    return existing && !existing.completedAt ? "busy" : "not_found";
  }
  const logger = deps.logger.child({ businessId, job: "business_deletion" });
  try {
    await releaseNumbers(deps, businessId);
    await deleteAssistants(deps, businessId);
    await revokeForDeletion(deps, businessId);
    await deleteStripeCustomer(deps, businessId);
    if ((await purgeCalls(deps, businessId)) === "more") {
      await deps.db.update(businessDeletions).set({ leaseUntil: null, lastError: null }).where(eq(businessDeletions.businessId, businessId));
      return "more";
    }
    await scrubPersonalData(deps.db, businessId);
    await deleteLoneAccounts(deps.db, job.memberIds);
    await deps.db
      .update(businessDeletions)
      .set({ completedAt: deps.now(), leaseUntil: null, lastError: null })
      .where(eq(businessDeletions.businessId, businessId));
    logger.info("business deleted");
    return "completed";
  } catch (error) {
    const failures = job.attempts + 1;
    const reason = String(describeError(error).error).slice(0, 500);
    await deps.db
      .update(businessDeletions)
      .set({ attempts: failures, leaseUntil: null, lastError: reason, nextAttemptAt: new Date(now.getTime() + deletionRetryMs(failures)) })
      .where(eq(businessDeletions.businessId, businessId))
      .catch(() => undefined);
    logger.warn("business deletion stopped; it resumes on the next try", { attempts: failures, reason });
    throw error;
  }
}

/**
 * Step 1. Each number is released at Vapi and, when it was bought at Twilio, at Twilio too (we pay
 * for it there); a side that no longer has it counts as done. A number still being bought (a
 * placeholder) has nothing at a vendor yet: its row just goes.
 */
async function releaseNumbers(deps: DeletionDeps, businessId: string) {
  const rows = await deps.db
    .select({ id: phoneNumbers.id, vapiId: phoneNumbers.vapiPhoneNumberId, twilioSid: phoneNumbers.twilioSid })
    .from(phoneNumbers)
    .where(eq(phoneNumbers.businessId, businessId));
  for (const row of rows) {
    if (!row.vapiId.startsWith("pending:")) await releaseNumber(deps, { vapiPhoneNumberId: row.vapiId, twilioSid: row.twilioSid });
    await deps.db.delete(phoneNumbers).where(eq(phoneNumbers.id, row.id));
  }
}

/** Step 2. The agent row goes after its assistant: a failure leaves the row, so the next try finds it. */
async function deleteAssistants(deps: DeletionDeps, businessId: string) {
  const rows = await deps.db.select({ id: agents.id, vapiId: agents.vapiAssistantId }).from(agents).where(eq(agents.businessId, businessId));
  for (const row of rows) {
    await deleteAtVapi(() => deps.vapi().assistants.delete({ id: row.vapiId }), "delete the assistant");
    await deps.db.delete(agents).where(eq(agents.id, row.id));
  }
}

/** Step 3b. Already deleted at Stripe (a retried run) is Stripe's 404 `resource_missing`: done. */
async function deleteStripeCustomer(deps: DeletionDeps, businessId: string) {
  const [row] = await deps.db.select({ customer: businesses.stripeCustomerId }).from(businesses).where(eq(businesses.id, businessId)).limit(1);
  if (!row?.customer) return;
  const stripe = await deps.stripe();
  try {
    await stripe.customers.del(row.customer);
  } catch (error) {
    if ((error as { code?: string } | null)?.code !== "resource_missing") throw error;
  }
}

/** What scrubbing a call sets: nothing of the conversation or the caller is left. */
export const scrubbedCall = () => ({
  transcript: null,
  summary: null,
  recordingUrl: null,
  messages: null,
  structuredData: null,
  liveTranscript: [],
  events: [],
  customerNumber: null,
  followUpNote: null,
});

/**
 * Step 4: up to DELETION_CALL_BATCH calls not yet scrubbed are deleted at Vapi (a call the
 * retention sweep already deleted there is not asked again) and scrubbed here. A call Vapi fails
 * to delete stops the step (thrown) after the ones that worked are scrubbed.
 */
async function purgeCalls(deps: DeletionDeps, businessId: string): Promise<"done" | "more"> {
  const rows = await deps.db
    .select({ id: calls.id, vapiCallId: calls.vapiCallId, atVapi: sql<boolean>`${calls.artifactsDeletedAt} is null` })
    .from(calls)
    .where(and(eq(calls.businessId, businessId), or(isNull(calls.artifactsDeletedAt), sql`${calls.customerNumber} is not null`)))
    .orderBy(calls.id)
    .limit(DELETION_CALL_BATCH);
  if (!rows.length) return "done";
  const done: string[] = [];
  let failure: unknown;
  for (let i = 0; i < rows.length; i += VAPI_CONCURRENCY) {
    const chunk = rows.slice(i, i + VAPI_CONCURRENCY);
    const settled = await Promise.allSettled(
      chunk.map(async (row) => {
        if (row.atVapi) await deleteAtVapi(() => deps.vapi().calls.delete({ id: row.vapiCallId }), "delete the call");
        return row.id;
      }),
    );
    for (const result of settled) {
      if (result.status === "fulfilled") done.push(result.value);
      else failure ??= result.reason;
    }
    if (failure) break;
  }
  if (done.length) {
    const now = deps.now();
    // The business is gone: no report will be settled for these calls any more (reconciliation
    // skips a call whose report is marked received; an open hold expires and is voided).
    await deps.db
      .update(calls)
      .set({ ...scrubbedCall(), artifactsDeletedAt: now, reportReceivedAt: sql`coalesce(${calls.reportReceivedAt}, ${now.toISOString()}::timestamptz)`, updatedAt: now })
      .where(inArray(calls.id, done));
  }
  if (failure) throw failure;
  return rows.length < DELETION_CALL_BATCH ? "done" : "more";
}

/**
 * Step 5, one transaction. Kept: the ledger (amounts, kinds, Stripe ids; descriptions emptied),
 * Stripe's payment facts, the scrubbed call rows (lengths, costs, charges) and the business row as
 * a tombstone, so the money books of the business still add up (db:check-ledger).
 */
async function scrubPersonalData(db: Database, businessId: string) {
  const id = businessId;
  await db.batch([
    db.delete(bookingHolds).where(eq(bookingHolds.businessId, id)),
    // Raw vendor bodies of its calls carry whole conversations.
    db.execute(sql`
      delete from undelivered_vendor_messages
      where vapi_call_id in (select vapi_call_id from calls where business_id = ${id}::uuid)`),
    // Side effects that never went out (e-mails, sheet rows) name the business or its calls.
    db.execute(sql`
      delete from dead_letters
      where body->>'userId' = ${id} or body->>'businessId' = ${id}
         or body->>'callId' in (select id::text from calls where business_id = ${id}::uuid)`),
    db.execute(sql`update credit_transactions set description = null where business_id = ${id}::uuid and description is not null`),
    db.execute(sql`delete from audit_events where business_id = ${id}::uuid`),
    db.execute(sql`delete from oauth_states where business_id = ${id}::uuid`),
    // Texts carry callers' numbers and words; opt-outs are moot once the numbers are released.
    db.execute(sql`delete from texts where business_id = ${id}::uuid`),
    db.execute(sql`delete from text_opt_outs where business_id = ${id}::uuid`),
    db.delete(invitations).where(eq(invitations.businessId, id)),
    db.delete(memberships).where(eq(memberships.businessId, id)),
    db
      .update(businesses)
      .set({ name: DELETED_BUSINESS_NAME, phone: null, autoTopUpEnabled: false, autoTopUpPackId: null, updatedAt: new Date() })
      .where(eq(businesses.id, id)),
  ]);
}

/**
 * Step 6 (ADR 1110): a former member who belongs to no other business loses their account — the
 * user row is deleted, and with it (foreign keys, cascade) their sessions, reset tokens and OAuth
 * states; records elsewhere that name them (audit entries, invitations they sent) keep a null.
 * The e-mail address is free to sign up again.
 */
async function deleteLoneAccounts(db: Database, memberIds: string[]) {
  if (!memberIds.length) return;
  await db.execute(sql`
    delete from users u
    where u.id = any(${`{${memberIds.join(",")}}`}::uuid[])
      and not exists (select 1 from memberships m where m.user_id = u.id)`);
}

/** The Cron Trigger's part: every open job whose next try is due, a few runs each. */
export async function runDueDeletions(deps: DeletionDeps, options: { now?: Date; limit?: number; runsEach?: number } = {}) {
  const now = options.now ?? deps.now();
  const due = await deps.db
    .select({ businessId: businessDeletions.businessId })
    .from(businessDeletions)
    .where(and(isNull(businessDeletions.completedAt), sql`${businessDeletions.nextAttemptAt} <= ${now.toISOString()}::timestamptz`))
    .orderBy(businessDeletions.nextAttemptAt)
    .limit(options.limit ?? 5);
  const results: { businessId: string; outcome: DeletionRun | "failed" }[] = [];
  for (const { businessId } of due) {
    let outcome: DeletionRun | "failed" = "more";
    for (let run = 0; run < (options.runsEach ?? 5) && outcome === "more"; run++) {
      outcome = await runBusinessDeletion(deps, businessId).catch(() => "failed" as const);
    }
    results.push({ businessId, outcome });
  }
  return results;
}
