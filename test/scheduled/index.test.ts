/** The Cron Trigger entry point (src/scheduled): the worker's `scheduled` runs the sweep and the call reconciliation, and never throws. */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Bindings } from "../../src/bindings";
import worker from "../../src/index";
import { runScheduled } from "../../src/scheduled";
import { envWith, testEnv } from "../support/env";
import { assistantAtVapi } from "../support/vapi";
import { datedAssistant, orphanMetadata } from "../support/vapi-sweep";

/** A day of 2021 no other test dates assistants in: the sweep lists only what is older than its clock. */
const NOON = new Date(Date.UTC(2021, 5, 1, 12));

describe("scheduled", () => {
  it("sweeps orphaned assistants older than the margin at the trigger's scheduled time", async () => {
    const orphan = await datedAssistant(new Date(NOON.getTime() - 30 * 60_000), await orphanMetadata());
    const controller = createScheduledController({ scheduledTime: NOON.getTime(), cron: "17 * * * *" });
    const ctx = createExecutionContext();
    const handler: ExportedHandlerScheduledHandler<Bindings> = worker.scheduled;
    await handler(controller, testEnv, ctx);
    await waitOnExecutionContext(ctx);
    expect(await assistantAtVapi(orphan.id)).toBeUndefined();
  });

  it("does not throw when Vapi is not configured: the sweep waits for the next run, reconciliation still runs", async () => {
    const result = await runScheduled({ scheduledTime: NOON.getTime(), cron: "17 * * * *" }, envWith({ VAPI_API_KEY: undefined }));
    expect(result?.sweep).toBeUndefined();
    // Nothing was opened before NOON 2021, so nothing is due.
    expect(result?.reconciliation).toEqual({ examined: 0, applied: [], skipped: [] });
  });

  it("does not throw when nothing can start (no database): it waits for the next run", async () => {
    const result = await runScheduled({ scheduledTime: NOON.getTime(), cron: "17 * * * *" }, envWith({ DATABASE_URL: undefined }));
    expect(result).toBeUndefined();
  });
});
