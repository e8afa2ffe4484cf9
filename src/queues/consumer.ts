/**
 * The side-effects queue consumer. Each message is parsed, handled and acked on its own; a
 * failure retries that message alone with exponential backoff; after the last attempt it is
 * forwarded to the dead-letter queue with its reason, whose consumer logs it. A message no retry
 * can help — unknown type, malformed body, no handler, `PermanentFailure` — is dead-lettered at
 * once (Unkey's `worker.ts`: a closed set of types, the rest refused).
 */
import type { Bindings } from "../bindings";
import { loadDatabaseDriver } from "../db/client";
import { createLogger, describeError, type Logger, parseLevel } from "../lib/logger";
import { createServices, type Services } from "../services/create-services";
import { recordDeadLetters } from "../services/ops/dead-letters";
import { type SideEffectMessage, sideEffectMessageSchema, withBusinessId } from "../side-effects/messages";
import { deadLetterLogFields, deadLetterRecord, forwardToDeadLetters, PermanentFailure, rejectionReason, summarize } from "./dead-letter";

export { type DeadLetter, PermanentFailure } from "./dead-letter";

export const DEAD_LETTER_QUEUE = "agentline-side-effects-dlq";
/**
 * Every environment names its dead-letter queue `<its side-effects queue>-dlq` (wrangler.toml;
 * test/dev/deploy.test.ts checks it): that is how a batch says it comes from one.
 */
export const isDeadLetterQueue = (queue: string) => queue.endsWith("-dlq");
/** wrangler.toml's max_retries (5) plus the first delivery: the attempt after which the queue dead-letters. */
export const MAX_DELIVERY_ATTEMPTS = 6;
const BASE_RETRY_SECONDS = 10;
const MAX_RETRY_SECONDS = 15 * 60;

/** What a handler is given: the batch's services (createServices), with the message's logger. */
export type SideEffectContext = Services;

export type SideEffectHandler<T extends SideEffectMessage["type"]> = (
  message: Extract<SideEffectMessage, { type: T }>,
  context: SideEffectContext,
) => Promise<void>;

export type SideEffectHandlers = { [T in SideEffectMessage["type"]]?: SideEffectHandler<T> };

/** Exponential backoff: 10 s, 20 s, 40 s, … capped at 15 minutes. */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(MAX_RETRY_SECONDS, BASE_RETRY_SECONDS * 2 ** Math.max(0, attempts - 1));
}

/** Every type the union declares; anything else is refused without a retry. */
export const KNOWN_MESSAGE_TYPES: readonly string[] = sideEffectMessageSchema.options.map((option) => option.shape.type.value);

export function createQueueConsumer(handlers: SideEffectHandlers) {
  return async function consumeSideEffects(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
    const logger = createLogger({ queue: batch.queue }, parseLevel(env.LOG_LEVEL));
    if (isDeadLetterQueue(batch.queue)) {
      await keepDeadLetters(batch, env, logger);
      return;
    }
    await loadDatabaseDriver();
    const services = createServices(env, { logger });
    for (const message of batch.messages) {
      const parsed = sideEffectMessageSchema.safeParse(withBusinessId(message.body));
      const handler = parsed.success ? (handlers[parsed.data.type] as SideEffectHandler<SideEffectMessage["type"]> | undefined) : undefined;
      if (!parsed.success || !handler) {
        // No retry can make this message handleable: refuse it now.
        const reason = parsed.success
          ? `no handler for message type "${parsed.data.type}"`
          : rejectionReason(message.body, KNOWN_MESSAGE_TYPES, parsed.error.issues);
        logger.warn("side effect refused; dead-lettered", { messageId: message.id, reason, body: summarize(message.body) });
        if (await forwardToDeadLetters(env, message, reason, logger)) message.ack();
        else message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
        continue;
      }
      try {
        await handler(parsed.data, { ...services, logger: logger.child({ messageId: message.id, type: parsed.data.type }) });
        message.ack();
      } catch (error) {
        // Mail servers quote the address they refused: keep addresses out of the log.
        const reason = String(describeError(error).error).replace(/[^\s<>@"]+@[^\s<>@"]+/g, "[address]");
        // On the last attempt (or a permanent failure) the queue would dead-letter the message
        // without saying why: forward it with its reason instead (falling back to the queue's own move).
        if (message.attempts >= MAX_DELIVERY_ATTEMPTS || error instanceof PermanentFailure) {
          if (await forwardToDeadLetters(env, message, reason, logger)) {
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


/**
 * The dead-letter queue's consumer: logs each letter (the alert line, docs/operations.md) and
 * keeps it in `dead_letters` for `npm run ops -- dead-letters` / `replay` (ADR 1101). When the
 * database cannot take them the batch is retried (wrangler.toml gives this consumer retries),
 * so a letter is not lost to a database outage.
 */
async function keepDeadLetters(batch: MessageBatch<unknown>, env: Bindings, logger: Logger): Promise<void> {
  for (const message of batch.messages) logger.error("side effect dead-lettered", deadLetterLogFields(message));
  try {
    await loadDatabaseDriver();
    const { db } = createServices(env, { logger });
    await recordDeadLetters(db, batch.messages.map(deadLetterRecord));
    for (const message of batch.messages) message.ack();
  } catch (error) {
    logger.error("dead letters could not be kept; retrying", { count: batch.messages.length, ...describeError(error) });
    for (const message of batch.messages) message.retry({ delaySeconds: DEAD_LETTER_RETRY_SECONDS });
  }
}

/** How long the dead-letter consumer waits before it tries the database again. */
const DEAD_LETTER_RETRY_SECONDS = 60;
