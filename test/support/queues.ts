/**
 * The side-effects queue in tests: a batch run through the worker's own queue handler, as the
 * Queues runtime would deliver it, with what the consumer acked, retried and the retry delays
 * it asked for.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { vi } from "vitest";
import type { Bindings } from "../../src/bindings";
import worker from "../../src/index";
import type { SideEffectMessage } from "../../src/side-effects/messages";
import { testEnv } from "./env";

export const SIDE_EFFECTS_QUEUE = "agentline-side-effects";

export async function consumeBatch(
  messages: SideEffectMessage[],
  { attempts = 1, env = testEnv, queue = SIDE_EFFECTS_QUEUE, ids }: { attempts?: number; env?: Bindings; queue?: string; ids?: string[] } = {},
) {
  const batch = createMessageBatch<SideEffectMessage>(
    queue,
    messages.map((body, i) => ({ id: ids?.[i] ?? `msg-${crypto.randomUUID()}-${i}`, timestamp: new Date(), attempts, body })),
  );
  // getQueueResult reports which messages were retried but not the delay asked for.
  const retries = batch.messages.map((message) => vi.spyOn(message, "retry"));
  const ctx = createExecutionContext();
  const handler: ExportedHandlerQueueHandler<Bindings> = worker.queue;
  await handler(batch as MessageBatch, env, ctx);
  const delays = retries.flatMap((spy) => spy.mock.calls.map((call) => call[0]?.delaySeconds));
  return { batch, delays, result: await getQueueResult(batch, ctx) };
}
