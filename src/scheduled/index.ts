/**
 * The Cron Trigger entry point (wrangler.toml `[triggers] crons`): an entry point like the queue
 * consumer, built with createServices. Each run does six jobs, each on its own (one failing
 * never stops the others): the orphaned-assistant sweep (ADR 0104), the reconciliation of
 * calls whose report never came (ADR 0410), the texts: reminders due, and texts whose
 * message was lost or whose quiet hours are over queued again (ADR 0141), the business
 * deletions whose next try is due (ADR 1110), the retention sweep (ADR 1111) and the weekly website re-reads (ADR 0333). It never
 * throws, so a failed run only waits for the next one.
 */

import type { Bindings } from "../bindings";
import { loadDatabaseDriver } from "../db/client";
import { createLogger, describeError, parseLevel } from "../lib/logger";
import { type SweepResult, sweepOrphanedAssistants } from "../services/agents/orphan-sweep";
import { type ReconcileResult, reconcileUnreportedCalls } from "../services/calls/reconcile";
import { createServices } from "../services/create-services";
import { runDueDeletions } from "../services/data-rights/deletion";
import { type RetentionResult, sweepRetention } from "../services/data-rights/retention";
import { queueWeeklyRereads } from "../services/knowledge/imports";
import { queueDueReminders } from "../services/texts/notify";
import { requeueUnsent } from "../services/texts/queue";

export interface ScheduledResult {
  sweep?: SweepResult;
  reconciliation?: ReconcileResult;
  deletions?: Awaited<ReturnType<typeof runDueDeletions>>;
  retention?: RetentionResult;
  /** Website re-reads queued this run (one per business per week, ADR 0333). */
  rereads?: number;
  /** Reminder texts queued, and unsent texts queued again (services/texts). */
  texts?: { reminders: number; requeued: number };
}

export async function runScheduled(controller: Pick<ScheduledController, "cron" | "scheduledTime">, env: Bindings): Promise<ScheduledResult | undefined> {
  const logger = createLogger({ cron: controller.cron }, parseLevel(env.LOG_LEVEL));
  const now = new Date(controller.scheduledTime);
  let services: ReturnType<typeof createServices>;
  try {
    await loadDatabaseDriver();
    services = createServices(env, { logger });
  } catch (error) {
    logger.warn("scheduled run could not start", describeError(error));
    return undefined;
  }
  const result: ScheduledResult = {};
  try {
    result.sweep = await sweepOrphanedAssistants({ db: services.db, vapi: services.vapi(), logger, environmentId: services.config.ENVIRONMENT_ID }, { now });
  } catch (error) {
    // No Vapi key or no database: nothing to sweep with; say so and wait for the next run.
    logger.warn("orphaned assistant sweep could not run", describeError(error));
  }
  try {
    result.reconciliation = await reconcileUnreportedCalls(services, { now });
  } catch (error) {
    logger.warn("call reconciliation could not run", describeError(error));
  }
  try {
    const deps = { db: services.db, env: services.env, logger };
    result.texts = { reminders: await queueDueReminders(deps, now), requeued: await requeueUnsent(deps, now) };
  } catch (error) {
    logger.warn("reminder texts could not be queued", describeError(error));
  }
  try {
    // Deletions before retention: a business being deleted has its calls scrubbed by its job.
    result.deletions = await runDueDeletions({ ...services, now: () => now }, { now });
  } catch (error) {
    logger.warn("business deletions could not run", describeError(error));
  }
  try {
    result.retention = await sweepRetention(services, { now });
  } catch (error) {
    logger.warn("retention sweep could not run", describeError(error));
  }
  try {
    result.rereads = await queueWeeklyRereads({ ...services, logger }, now);
  } catch (error) {
    logger.warn("weekly website re-reads could not be queued", describeError(error));
  }
  return result.sweep || result.reconciliation || result.texts || result.deletions || result.retention || result.rereads !== undefined ? result : undefined;
}

export const scheduled: ExportedHandlerScheduledHandler<Bindings> = async (controller, env) => {
  await runScheduled(controller, env);
};
