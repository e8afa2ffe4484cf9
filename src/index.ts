/** The worker: the API (fetch), the side-effects consumer (queue), the Cron Trigger (scheduled) and the Durable Objects. */
import { app } from "./app";
import type { Bindings } from "./bindings";
import { createQueueConsumer } from "./queues/consumer";
import { sideEffectHandlers } from "./queues/handlers";
import { scheduled } from "./scheduled";

export { CreditAccount } from "./durable-objects/credit-account";

export default {
  fetch: app.fetch,
  queue: createQueueConsumer(sideEffectHandlers),
  scheduled,
} satisfies ExportedHandler<Bindings>;
