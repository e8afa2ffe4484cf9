/**
 * Dead letters: a message the consumer gives up on is forwarded to the dead-letter queue with
 * why, so the dead-letter consumer (and whoever reads its log) sees the reason rather than a
 * silent move by the queue. A message is given up on after its last attempt, or at once when no
 * retry can help: a type we do not know, a body that does not parse, a type with no handler, or
 * a handler's `PermanentFailure`.
 */
import type { Bindings } from "../bindings";
import type { Logger } from "../lib/logger";
import type { SideEffectMessage } from "../side-effects/messages";

/** A message forwarded to the dead-letter queue, with why it failed. */
export type DeadLetter = SideEffectMessage & { deadLetter: DeadLetterNote };
export interface DeadLetterNote {
  reason: string;
  attempts: number;
  failedAt: string;
  /** The id the message had on the side-effects queue (the dead-letter queue gives it a new one). */
  messageId: string;
}

/** A handler throws this for a failure no retry can fix; the message is dead-lettered at once. */
export class PermanentFailure extends Error {
  override name = "PermanentFailure";
}

/** Longest message type echoed into a reason: the body came off a queue, not from us, but still. */
const MAX_TYPE_LENGTH = 80;

/**
 * Why a body that failed to parse is refused: its unknown type, or the fields that are wrong
 * (paths and zod's messages only — never the values, which may be personal data).
 */
export function rejectionReason(
  body: unknown,
  knownTypes: readonly string[],
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): string {
  const type = (body as { type?: unknown } | null)?.type;
  if (typeof type !== "string") return "not a side-effect message: no string `type`";
  const shown = JSON.stringify(type.slice(0, MAX_TYPE_LENGTH));
  if (!knownTypes.includes(type)) return `unknown message type ${shown}`;
  const fields = issues.slice(0, 5).map((issue) => `${issue.path.map(String).join(".") || "(body)"}: ${issue.message}`);
  return `malformed ${shown} message: ${fields.join("; ")}`;
}

/**
 * Forwards the body with its reason to SIDE_EFFECTS_DLQ. False when there is no such binding or
 * the send failed: the caller then retries, and the queue's own dead-letter move takes over.
 */
export async function forwardToDeadLetters(
  env: Bindings,
  message: Message<unknown>,
  reason: string,
  logger: Logger,
): Promise<boolean> {
  const queue = env.SIDE_EFFECTS_DLQ as Queue<unknown> | undefined;
  if (!queue) return false;
  const note: DeadLetterNote = { reason, attempts: message.attempts, failedAt: new Date().toISOString(), messageId: message.id };
  const body = message.body;
  const letter = body && typeof body === "object" && !Array.isArray(body) ? { ...body, deadLetter: note } : { body, deadLetter: note };
  return queue.send(letter).then(
    () => true,
    (error: unknown) => {
      logger.warn("dead letter could not be forwarded; retrying instead", { messageId: message.id, error: String(error) });
      return false;
    },
  );
}

/** The reason a dead letter carries, if it carries one. */
export function deadLetterReason(body: unknown): string | undefined {
  const reason = (body as { deadLetter?: { reason?: unknown } } | null)?.deadLetter?.reason;
  return typeof reason === "string" ? reason : undefined;
}

/**
 * The dead-letter consumer's log line: which message (type, its id on the side-effects queue,
 * its idempotency key), after how many attempts, and why — without its personal data.
 */
export function deadLetterLogFields(message: Message<unknown>): Record<string, unknown> {
  const note = (message.body as { deadLetter?: Partial<DeadLetterNote> } | null)?.deadLetter;
  const body = summarize(message.body);
  return {
    type: body.type,
    messageId: typeof note?.messageId === "string" ? note.messageId : message.id,
    deadLetterMessageId: message.id,
    idempotencyKey: body.idempotencyKey,
    attempts: typeof note?.attempts === "number" ? note.attempts : message.attempts,
    reason: deadLetterReason(message.body) ?? "retries exhausted (no reason recorded)",
    body,
  };
}

/** What a dead letter was about, without its personal data. */
export function summarize(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== "object") return { kind: typeof body };
  const { type, idempotencyKey } = body as Record<string, unknown>;
  return { type: typeof type === "string" ? type.slice(0, MAX_TYPE_LENGTH) : type, idempotencyKey };
}

/**
 * The row a dead letter is kept as (services/ops/dead-letters.ts): the message as first sent
 * (its dead-letter note taken off, so a replay sends exactly that), why and when it failed.
 */
export function deadLetterRecord(message: Message<unknown>) {
  const fields = deadLetterLogFields(message);
  const { deadLetter: _note, ...original } = (message.body && typeof message.body === "object" ? message.body : { body: message.body }) as Record<string, unknown> & { deadLetter?: unknown };
  const note = (message.body as { deadLetter?: Partial<DeadLetterNote> } | null)?.deadLetter;
  const failedAt = typeof note?.failedAt === "string" && !Number.isNaN(Date.parse(note.failedAt)) ? new Date(note.failedAt) : message.timestamp;
  return {
    messageId: String(fields.messageId),
    type: typeof fields.type === "string" ? fields.type : null,
    idempotencyKey: typeof fields.idempotencyKey === "string" ? fields.idempotencyKey : null,
    body: original,
    reason: String(fields.reason),
    attempts: Number(fields.attempts),
    failedAt,
  };
}
