/**
 * Dead letters a person can list and replay (ADR 1101). The dead-letter queue's consumer
 * records each letter here (one statement per batch; a redelivered letter is the same row, by
 * its side-effects message id). A replay claims the row once (`replayed_at`, one conditional
 * UPDATE) and sends the original body to the side-effects queue again; the handlers' own
 * once-only claims (the idempotency key claimed in `side_effects` by every e-mail and sheet-row
 * handler, side-effects/claims.ts) make a message whose effect did happen a no-op.
 */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Bindings } from "../../bindings";
import type { Database } from "../../db/client";
import { deadLetters } from "../../db/schema";
import { AppError } from "../../errors";
import type { SideEffectMessage } from "../../side-effects/messages";

export interface DeadLetterInput {
  messageId: string;
  type: string | null;
  idempotencyKey: string | null;
  body: unknown;
  reason: string;
  attempts: number;
  failedAt: Date;
}

export interface DeadLetterSummary {
  id: string;
  messageId: string;
  type: string | null;
  idempotencyKey: string | null;
  reason: string;
  attempts: number;
  failedAt: string;
  createdAt: string;
  replayedAt: string | null;
}

/** Keeps the letters; a letter already kept (the queue delivered it twice) is left as it is. */
export async function recordDeadLetters(db: Database, letters: DeadLetterInput[]): Promise<void> {
  if (!letters.length) return;
  await db
    .insert(deadLetters)
    .values(letters.map((letter) => ({ ...letter, body: letter.body as object })))
    .onConflictDoNothing({ target: deadLetters.messageId });
}

/** The newest letters first, without their bodies (which may hold an address or a name). */
export async function listDeadLetters(db: Database, options: { limit: number; pendingOnly?: boolean }): Promise<DeadLetterSummary[]> {
  const rows = await db
    .select({
      id: deadLetters.id,
      messageId: deadLetters.messageId,
      type: deadLetters.type,
      idempotencyKey: deadLetters.idempotencyKey,
      reason: deadLetters.reason,
      attempts: deadLetters.attempts,
      failedAt: deadLetters.failedAt,
      createdAt: deadLetters.createdAt,
      replayedAt: deadLetters.replayedAt,
    })
    .from(deadLetters)
    .where(options.pendingOnly ? isNull(deadLetters.replayedAt) : undefined)
    .orderBy(desc(deadLetters.createdAt), desc(deadLetters.id))
    .limit(options.limit);
  return rows.map((row) => ({
    ...row,
    failedAt: row.failedAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    replayedAt: row.replayedAt?.toISOString() ?? null,
  }));
}

export type ReplayResult = { replayed: true; id: string; type: string | null } | { replayed: false; id: string; replayedAt: string };

/**
 * Sends the letter's message once more. A second replay of the same letter sends nothing and
 * says when the first was; if the send fails the claim is given back, so it can be tried again.
 */
export async function replayDeadLetter(deps: { db: Database; env: Bindings }, id: string): Promise<ReplayResult> {
  const [claimed] = await deps.db
    .update(deadLetters)
    .set({ replayedAt: sql`now()` })
    .where(and(eq(deadLetters.id, id), isNull(deadLetters.replayedAt)))
    .returning({ body: deadLetters.body, type: deadLetters.type });
  if (!claimed) {
    const [existing] = await deps.db.select({ replayedAt: deadLetters.replayedAt }).from(deadLetters).where(eq(deadLetters.id, id));
    if (!existing?.replayedAt) throw new AppError("not_found", `No dead letter ${id}.`);
    return { replayed: false, id, replayedAt: existing.replayedAt.toISOString() };
  }
  try {
    await deps.env.SIDE_EFFECTS.send(claimed.body as SideEffectMessage);
  } catch (error) {
    await deps.db.update(deadLetters).set({ replayedAt: null }).where(eq(deadLetters.id, id));
    throw new AppError("upstream_error", "The side-effects queue did not take the message; nothing was replayed.", { cause: String(error) });
  }
  return { replayed: true, id, type: claimed.type };
}
