/**
 * The side-effects queue consumer. Each message is parsed, handled and acked on its own; a
 * failure retries that message alone with exponential backoff; after the last attempt the
 * queue moves it to the dead-letter queue, whose consumer logs it with its reason.
 */
import { type Database, loadDatabaseDriver } from "../db/client";
import type { Bindings, Config } from "../env";
import { createLogger, describeError, type Logger, parseLevel } from "../lib/logger";
import { createServices } from "../services/create-services";
import { type SideEffectMessage, sideEffectMessageSchema } from "./messages";

export const DEAD_LETTER_QUEUE = "agentline-side-effects-dlq";
/** wrangler.toml's max_retries (5) plus the first delivery: the attempt after which the queue dead-letters. */
export const MAX_DELIVERY_ATTEMPTS = 6;
const BASE_RETRY_SECONDS = 10;
const MAX_RETRY_SECONDS = 15 * 60;

export interface SideEffectContext {
  env: Bindings;
  config: Config;
  db: Database;
  logger: Logger;
}

export type SideEffectHandler<T extends SideEffectMessage["type"]> = (
  message: Extract<SideEffectMessage, { type: T }>,
  context: SideEffectContext,
) => Promise<void>;

export type SideEffectHandlers = { [T in SideEffectMessage["type"]]?: SideEffectHandler<T> };

/** Exponential backoff: 10 s, 20 s, 40 s, … capped at 15 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(MAX_RETRY_SECONDS, BASE_RETRY_SECONDS * 2 ** Math.max(0, attempts - 1));
}

export class PermanentFailure extends Error {
  override name = "PermanentFailure";
}

export function createQueueConsumer(handlers: SideEffectHandlers) {
  return async function consumeSideEffects(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
    const logger = createLogger({ queue: batch.queue }, parseLevel(env.LOG_LEVEL));
    if (batch.queue === DEAD_LETTER_QUEUE) {
      for (const message of batch.messages) {
        const reason = deadLetterReason(message.body) ?? "retries exhausted (no reason recorded)";
        logger.error("side effect dead-lettered", { messageId: message.id, attempts: message.attempts, reason, body: summarize(message.body) });
        message.ack();
      }
      return;
    }
    await loadDatabaseDriver();
    const { config, db } = createServices(env, { logger });
    const context: SideEffectContext = { env, config, db, logger };
    for (const message of batch.messages) {
      const parsed = sideEffectMessageSchema.safeParse(message.body);
      if (!parsed.success) {
        logger.error("malformed side effect dropped", { messageId: message.id, issues: parsed.error.issues.length });
        message.ack();
        continue;
      }
      const handler = handlers[parsed.data.type] as SideEffectHandler<SideEffectMessage["type"]> | undefined;
      try {
        if (!handler) throw new Error(`no handler for ${parsed.data.type}`);
        await handler(parsed.data, { ...context, logger: logger.child({ messageId: message.id, type: parsed.data.type }) });
        message.ack();
      } catch (error) {
        // Mail servers quote the address they refused: keep addresses out of the log.
        const reason = String(describeError(error).error).replace(/[^\s<>@"]+@[^\s<>@"]+/g, "[address]");
        // On the last attempt the queue would dead-letter the message without saying why:
        // forward it with its reason instead (falling back to the queue's own move).
        if (message.attempts >= MAX_DELIVERY_ATTEMPTS && env.SIDE_EFFECTS_DLQ) {
          const letter: DeadLetter = { ...parsed.data, deadLetter: { reason, attempts: message.attempts, failedAt: new Date().toISOString() } };
          const forwarded = await env.SIDE_EFFECTS_DLQ.send(letter).then(() => true, () => false);
          if (forwarded) {
            logger.warn("side effect failed for the last time; dead-lettered", { messageId: message.id, type: parsed.data.type, attempts: message.attempts, reason });
            message.ack();
            continue;
          }
        }
        logger.warn("side effect failed; retrying", { messageId: message.id, type: parsed.data.type, attempts: message.attempts, reason });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    }
  };
}

/** A message forwarded to the dead-letter queue, with why it failed. */
export type DeadLetter = SideEffectMessage & { deadLetter: { reason: string; attempts: number; failedAt: string } };

function deadLetterReason(body: unknown): string | undefined {
  const reason = (body as { deadLetter?: { reason?: unknown } } | null)?.deadLetter?.reason;
  return typeof reason === "string" ? reason : undefined;
}

/** What a dead letter was about, without its personal data. */
function summarize(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== "object") return { kind: typeof body };
  const { type, idempotencyKey } = body as Record<string, unknown>;
  return { type, idempotencyKey };
}
