/**
 * The Cron Trigger entry point (wrangler.toml `[triggers] crons`): an entry point like the queue
 * consumer, built with createServices. Today it runs one job, the orphaned-assistant sweep
 * (ADR 0104); it never throws, so a failed run only waits for the next one.
 */
import { loadDatabaseDriver } from "../db/client";
import type { Bindings } from "../env";
import { createLogger, describeError, parseLevel } from "../lib/logger";
import { type SweepResult, sweepOrphanedAssistants } from "../services/agents/orphan-sweep";
import { createServices } from "../services/create-services";

export async function runScheduled(controller: Pick<ScheduledController, "cron" | "scheduledTime">, env: Bindings): Promise<SweepResult | undefined> {
  const logger = createLogger({ cron: controller.cron }, parseLevel(env.LOG_LEVEL));
  try {
    await loadDatabaseDriver();
    const services = createServices(env, { logger });
    return await sweepOrphanedAssistants({ db: services.db, vapi: services.vapi, logger, environmentId: services.config.ENVIRONMENT_ID }, { now: new Date(controller.scheduledTime) });
  } catch (error) {
    // No Vapi key or no database: nothing to sweep with; say so and wait for the next run.
    logger.warn("scheduled run could not start", describeError(error));
    return undefined;
  }
}

export const scheduled: ExportedHandlerScheduledHandler<Bindings> = async (controller, env) => {
  await runScheduled(controller, env);
};
