/**
 * Putting a text on its way (ADR 0141): the `texts` row first, keyed by why it exists
 * (`booking:<id>:reminder_24h`, `call:<id>:missed_call`, …), then a `text.send` message. The
 * unique key makes a second attempt for the same reason (a cron run twice, a report redelivered)
 * find the first row and queue nothing; a row whose message was lost (the queue refused it) is
 * queued again by the Cron Trigger's sweep (`requeueUnsent`).
 */
import { and, inArray, lt, sql } from "drizzle-orm";
import type { Bindings } from "../../bindings";
import type { Database } from "../../db/client";
import { type TextKind, texts } from "../../db/schema";
import type { Logger } from "../../lib/logger";
import type { SideEffectMessage } from "../../side-effects/messages";

export interface TextQueueDeps {
  db: Database;
  env: Pick<Bindings, "SIDE_EFFECTS">;
  logger: Logger;
}

export interface NewText {
  businessId: string;
  agentId?: string | null;
  phoneNumberId?: string | null;
  number: string;
  kind: TextKind;
  body: string;
  bookingId?: string | null;
  callId?: string | null;
  /** Why this text exists; the same reason is texted once. */
  idempotencyKey: string;
}

export const sendMessage = (textId: string): SideEffectMessage => ({ type: "text.send", idempotencyKey: `text:${textId}`, textId });

/** The row and its message; null when a text for this reason exists already (nothing queued). */
export async function queueText(deps: TextQueueDeps, text: NewText): Promise<typeof texts.$inferSelect | null> {
  const [row] = await deps.db
    .insert(texts)
    .values({ ...text, direction: "outbound", status: "pending" })
    .onConflictDoNothing({ target: texts.idempotencyKey })
    .returning();
  if (!row) return null;
  try {
    await deps.env.SIDE_EFFECTS.send(sendMessage(row.id));
  } catch (error) {
    // The row stays pending: the Cron Trigger's sweep queues it again.
    deps.logger.warn("text could not be queued; the sweep will retry", { textId: row.id, error: error instanceof Error ? error.message : String(error) });
  }
  return row;
}

/** Pending texts whose message never arrived (older than 15 minutes), and held ones now due: queued again. */
export async function requeueUnsent(deps: TextQueueDeps, now: Date): Promise<number> {
  const due = await deps.db
    .select({ id: texts.id })
    .from(texts)
    .where(
      and(
        inArray(texts.status, ["pending", "held"]),
        lt(texts.updatedAt, new Date(now.getTime() - 15 * 60_000)),
        sql`(${texts.sendAfter} is null or ${texts.sendAfter} <= ${now.toISOString()}::timestamptz)`,
      ),
    )
    .limit(200);
  if (due.length) await deps.env.SIDE_EFFECTS.sendBatch(due.map((row) => ({ body: sendMessage(row.id) })));
  return due.length;
}
