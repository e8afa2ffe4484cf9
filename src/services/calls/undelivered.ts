/**
 * Undelivered vendor messages (ADR 0410): a signed Vapi message we could not parse is kept
 * whole in `undelivered_vendor_messages` before the webhook answers its 4xx, so nothing Vapi
 * told us is dropped. Once our parsing understands it (a fix deployed), a replay applies it
 * through the same handling a fresh delivery gets: the report through its claim (so a replay
 * after a real report, or twice, is a duplicate), status and transcripts through their
 * idempotent upserts. Reconciliation replays what is kept for a call before asking Vapi.
 */
import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { undeliveredVendorMessages } from "../../db/schema";
import { parseVapiMessage } from "../../integrations/vapi/messages";
import type { Logger } from "../../lib/logger";
import type { CallDeps } from "./deps";
import { recordStatus, recordTranscript } from "./live";
import { handleEndOfCallReport, type ReportOptions } from "./report";

const MAX_REASON_CHARS = 500;

/** What a replay did: applied (with the handling's outcome), not yet readable, or nothing to do. */
export type UndeliveredReplay =
  | { status: "applied"; outcome: string }
  | { status: "already_applied"; outcome: string | null }
  | { status: "unreadable"; reason: string }
  | { status: "busy" }
  | { status: "not_found" };

/** Keeps a signed Vapi body we refused (malformed or not JSON); a redelivery of the same bytes is the same row. */
export async function keepUndeliveredVapiMessage(deps: { db: Database; logger: Logger }, rawBody: string, reason: string): Promise<void> {
  const { type, vapiCallId } = readableParts(rawBody);
  await deps.db
    .insert(undeliveredVendorMessages)
    .values({
      provider: "vapi",
      type,
      vapiCallId,
      rawBody,
      bodySha256: encodeHexLowerCase(sha256(new TextEncoder().encode(rawBody))),
      reason: reason.slice(0, MAX_REASON_CHARS),
    })
    .onConflictDoNothing();
  deps.logger.warn("vapi message we could not parse kept for replay", { type, vapiCallId, reason: reason.slice(0, MAX_REASON_CHARS) });
}

export interface UndeliveredSummary {
  id: string;
  provider: string;
  type: string | null;
  vapiCallId: string | null;
  reason: string;
  receivedAt: string;
  attempts: number;
  lastError: string | null;
  appliedAt: string | null;
  outcome: string | null;
}

/** The newest kept messages first, without their bodies (a transcript holds personal data), for `npm run ops`. */
export async function listUndelivered(db: Database, options: { limit: number; pendingOnly?: boolean }): Promise<UndeliveredSummary[]> {
  const t = undeliveredVendorMessages;
  const rows = await db
    .select({
      id: t.id,
      provider: t.provider,
      type: t.type,
      vapiCallId: t.vapiCallId,
      reason: t.reason,
      receivedAt: t.receivedAt,
      attempts: t.attempts,
      lastError: t.lastError,
      appliedAt: t.appliedAt,
      outcome: t.outcome,
    })
    .from(t)
    .where(options.pendingOnly ? isNull(t.appliedAt) : undefined)
    .orderBy(desc(t.receivedAt), desc(t.id))
    .limit(options.limit);
  return rows.map((row) => ({ ...row, receivedAt: row.receivedAt.toISOString(), appliedAt: row.appliedAt?.toISOString() ?? null }));
}

/** The kept messages for a call not applied yet, oldest first. */
export async function undeliveredForCall(db: Database, vapiCallId: string): Promise<string[]> {
  const rows = await db
    .select({ id: undeliveredVendorMessages.id })
    .from(undeliveredVendorMessages)
    .where(and(eq(undeliveredVendorMessages.provider, "vapi"), eq(undeliveredVendorMessages.vapiCallId, vapiCallId), isNull(undeliveredVendorMessages.appliedAt)))
    .orderBy(asc(undeliveredVendorMessages.receivedAt));
  return rows.map((row) => row.id);
}

/**
 * Replays one kept message through the normal handling. An assistant-request or tool call
 * cannot be answered after the call (the caller is gone): it is marked applied as `expired`.
 */
export async function replayUndelivered(deps: CallDeps, id: string, options: ReportOptions = {}): Promise<UndeliveredReplay> {
  const [row] = await deps.db.select().from(undeliveredVendorMessages).where(eq(undeliveredVendorMessages.id, id));
  if (!row) return { status: "not_found" };
  if (row.appliedAt) return { status: "already_applied", outcome: row.outcome };
  let body: unknown;
  try {
    body = JSON.parse(row.rawBody);
  } catch {
    return failed(deps.db, id, "invalid_json");
  }
  const parsed = parseVapiMessage(body);
  if (parsed.kind === "malformed") {
    const first = parsed.issues[0];
    return failed(deps.db, id, first ? `${first.path}: ${first.message}` : "not a Vapi server message");
  }
  let outcome: string;
  if (parsed.kind === "ignored") outcome = "ignored";
  else {
    const message = parsed.message;
    switch (message.type) {
      case "end-of-call-report": {
        const reported = await handleEndOfCallReport(deps, message, options);
        if (reported === "in_progress") {
          await touch(deps.db, id, "in_progress");
          return { status: "busy" };
        }
        outcome = reported;
        break;
      }
      case "status-update":
        await recordStatus(deps, message, options.now);
        outcome = "recorded";
        break;
      case "assistant-request":
      case "tool-calls":
        outcome = "expired";
        break;
      default:
        await recordTranscript(deps, message, options.now);
        outcome = "recorded";
    }
  }
  await deps.db
    .update(undeliveredVendorMessages)
    .set({ appliedAt: sql`now()`, outcome, attempts: sql`${undeliveredVendorMessages.attempts} + 1`, lastError: null })
    .where(eq(undeliveredVendorMessages.id, id));
  deps.logger.info("kept vapi message replayed", { id, type: row.type, vapiCallId: row.vapiCallId, outcome });
  return { status: "applied", outcome };
}

async function failed(db: Database, id: string, reason: string): Promise<UndeliveredReplay> {
  await touch(db, id, reason);
  return { status: "unreadable", reason };
}

async function touch(db: Database, id: string, lastError: string) {
  await db
    .update(undeliveredVendorMessages)
    .set({ attempts: sql`${undeliveredVendorMessages.attempts} + 1`, lastError: lastError.slice(0, MAX_REASON_CHARS) })
    .where(eq(undeliveredVendorMessages.id, id));
}

/** `message.type` and `message.call.id` when the body is JSON and has them as strings. */
function readableParts(rawBody: string): { type: string | null; vapiCallId: string | null } {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return { type: null, vapiCallId: null };
  }
  const message = (body as { message?: unknown } | null)?.message as { type?: unknown; call?: { id?: unknown } | null } | undefined;
  const text = (value: unknown) => (typeof value === "string" && value.length <= 200 ? value : null);
  return { type: text(message?.type), vapiCallId: text(message?.call?.id) };
}
