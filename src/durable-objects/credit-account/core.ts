/**
 * What the CreditAccount works with: its configuration, the database, a logger and the clock.
 * Built here rather than by services/create-services (the composition root of requests and
 * queue batches), so the object sits below services and needs none of the vendor clients.
 */
import type { Bindings } from "../../bindings";
import { type Config, loadConfig } from "../../config/env";
import { createDatabase, type Database } from "../../db/client";
import { createLogger, type Logger, parseLevel } from "../../lib/logger";

export interface AccountCore {
  config: Config;
  db: Database;
  logger: Logger;
  /** Milliseconds since the epoch: when holds expire, which UTC day a forward counts on. */
  now: () => number;
}

export function createAccountCore(env: Bindings): AccountCore {
  const config = loadConfig(env);
  return {
    config,
    db: createDatabase(config),
    logger: createLogger({ component: "credit-account" }, parseLevel(env.LOG_LEVEL)),
    now: () => Date.now(),
  };
}
