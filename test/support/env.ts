/** The bindings the worker runs with in tests, plus helpers to build variants of them. */
import { env } from "cloudflare:workers";
import type { Bindings } from "../../src/bindings";

export const testEnv = env as unknown as Bindings;

/** A copy of the test bindings with some variables replaced (undefined removes one). */
export function envWith(overrides: Record<string, string | undefined>): Bindings {
  const copy: Record<string, unknown> = { ...testEnv };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete copy[name];
    else copy[name] = value;
  }
  return copy as Bindings;
}

/** A copy of the test bindings with some bindings (queues, namespaces) swapped for test doubles. */
export function bindingsWith(overrides: Partial<Bindings>): Bindings {
  return { ...testEnv, ...overrides } as Bindings;
}

/** A queue producer that keeps what it was sent, for asserting on enqueued side effects. */
export function recordingQueue<T>() {
  const sent: T[] = [];
  const queue = {
    sent,
    async send(body: T) {
      sent.push(body);
    },
    async sendBatch(messages: Iterable<{ body: T }>) {
      for (const message of messages) sent.push(message.body);
    },
  };
  return queue as typeof queue & Queue<T>;
}
