/**
 * The orphaned-assistant sweep (src/services/agents/orphan-sweep.ts, ADR 0104) against the Vapi
 * stand-in. Each test dates its assistants in its own day of 2020 and passes a fixed `now`, so
 * the sweep (which lists only createdAt < now − margin) never sees assistants other test files
 * create at today's date.
 */
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { createVapiClient } from "../../../src/integrations/vapi/client";
import { sweepOrphanedAssistants } from "../../../src/services/agents/orphan-sweep";
import { recordingLogger } from "../../support/agents";
import { db } from "../../support/db";
import { testEnv } from "../../support/env";
import { createUser } from "../../support/factories";
import { bookingAgent } from "../../support/google";
import { assistantAtVapi, vapi, vapiRequests } from "../../support/vapi";
import { datedAssistant, orphanMetadata } from "../../support/vapi-sweep";

const client = () => createVapiClient(loadConfig(testEnv));
const MINUTE = 60_000;
let day = 0;
/** A fresh day of 2020 per test, at noon. */
function testDay(): Date {
  day += 1;
  return new Date(Date.UTC(2020, 0, day, 12));
}
const minutesBefore = (now: Date, minutes: number) => new Date(now.getTime() - minutes * MINUTE);

function sweep(now: Date, options: { maxDeletions?: number; pageSize?: number } = {}) {
  const logger = recordingLogger();
  return { logger, run: () => sweepOrphanedAssistants({ db, vapi: client(), logger, environmentId: "local" }, { now, ...options }) };
}

afterEach(() => vapi.reset());

describe("sweepOrphanedAssistants", () => {
  it("deletes an assistant with our metadata and no agent row, once it is older than the margin", async () => {
    const now = testDay();
    const orphan = await datedAssistant(minutesBefore(now, 11), await orphanMetadata());
    const { run, logger } = sweep(now);
    const result = await run();
    expect(result.deleted.map((entry) => entry.assistantId)).toContain(orphan.id);
    expect(await assistantAtVapi(orphan.id)).toBeUndefined();
    expect(logger.entries.some((entry) => entry.msg === "orphaned assistant deleted" && entry.fields?.assistantId === orphan.id)).toBe(true);
  });

  it("keeps an orphan younger than the margin (an agent being created right now)", async () => {
    const now = testDay();
    const fresh = await datedAssistant(minutesBefore(now, 9), await orphanMetadata());
    const result = await sweep(now).run();
    expect(result.deleted.map((entry) => entry.assistantId)).not.toContain(fresh.id);
    expect(await assistantAtVapi(fresh.id)).toBeDefined();
  });

  it("keeps an assistant whose agent has a row, one without our metadata, and one of a user this database never had", async () => {
    const now = testDay();
    const { user } = await createUser();
    const agent = await bookingAgent(user.id);
    const live = await datedAssistant(minutesBefore(now, 60), { agentId: agent.id, userId: user.id, environmentId: "local" });
    const foreign = await datedAssistant(minutesBefore(now, 60), { owner: "someone else" });
    const bare = await datedAssistant(minutesBefore(now, 60), undefined);
    const malformed = await datedAssistant(minutesBefore(now, 60), { agentId: "not-a-uuid", userId: user.id, environmentId: "local" });
    const otherEnvironment = await datedAssistant(minutesBefore(now, 60), { agentId: crypto.randomUUID(), userId: crypto.randomUUID(), environmentId: "local" });
    const result = await sweep(now).run();
    const deleted = result.deleted.map((entry) => entry.assistantId);
    for (const kept of [live, foreign, bare, malformed, otherEnvironment]) {
      expect(deleted).not.toContain(kept.id);
      expect(await assistantAtVapi(kept.id)).toBeDefined();
    }
  });

  it("keeps another environment's assistant that shares our user ids; deletes our own orphan beside it", async () => {
    const now = testDay();
    // A staging deployment on a Neon branch of this database: same users, its own agents.
    const staging = await datedAssistant(minutesBefore(now, 30), await orphanMetadata("staging"));
    const ours = await datedAssistant(minutesBefore(now, 30), await orphanMetadata());
    const result = await sweep(now).run();
    const deleted = result.deleted.map((entry) => entry.assistantId);
    expect(deleted).toContain(ours.id);
    expect(await assistantAtVapi(ours.id)).toBeUndefined();
    expect(deleted).not.toContain(staging.id);
    expect(await assistantAtVapi(staging.id)).toBeDefined();
  });

  it("never deletes an assistant without the environment stamp, and names them in one log line per run", async () => {
    const now = testDay();
    const { agentId, userId } = await orphanMetadata();
    const unstamped = [
      await datedAssistant(minutesBefore(now, 30), { agentId, userId }),
      await datedAssistant(minutesBefore(now, 40), { agentId: crypto.randomUUID(), userId }),
    ];
    const { run, logger } = sweep(now);
    const result = await run();
    for (const kept of unstamped) {
      expect(result.deleted.map((entry) => entry.assistantId)).not.toContain(kept.id);
      expect(await assistantAtVapi(kept.id)).toBeDefined();
    }
    expect(result.unstamped).toBe(2);
    const lines = logger.entries.filter((entry) => entry.msg.startsWith("assistants with our metadata but no environment stamp kept"));
    expect(lines).toHaveLength(1);
    expect(lines[0]?.fields).toMatchObject({ count: 2, assistantIds: unstamped.map((assistant) => assistant.id) });
  });

  it("keeps an assistant whose id an agents row holds, whatever its metadata names", async () => {
    const now = testDay();
    const { user } = await createUser();
    // Its metadata names an agent we do not have, yet a row points at it (e.g. an agent re-linked by hand).
    const held = await datedAssistant(minutesBefore(now, 30), { agentId: crypto.randomUUID(), userId: user.id, environmentId: "local" });
    await bookingAgent(user.id, { vapiAssistantId: held.id });
    const result = await sweep(now).run();
    expect(result.deleted.map((entry) => entry.assistantId)).not.toContain(held.id);
    expect(await assistantAtVapi(held.id)).toBeDefined();
  });

  it("checks createdAt itself: an orphan younger than the margin survives a list that ignored createdAtLt", async () => {
    const now = testDay();
    const young = await datedAssistant(minutesBefore(now, 2), await orphanMetadata());
    // The list answers as if its filter had been dropped: the young assistant is on it.
    await vapi.fault({ method: "GET", path: "/assistant", status: 200, body: [await assistantAtVapi(young.id)] });
    const result = await sweep(now).run();
    expect(result.examined).toBe(1);
    expect(result.deleted).toEqual([]);
    expect(await assistantAtVapi(young.id)).toBeDefined();
  });

  it("is idempotent: a second run deletes nothing", async () => {
    const now = testDay();
    const orphan = await datedAssistant(minutesBefore(now, 30), await orphanMetadata());
    const first = await sweep(now).run();
    expect(first.deleted.map((entry) => entry.assistantId)).toContain(orphan.id);
    const mark = await vapi.mark();
    const second = await sweep(now).run();
    expect(second.deleted).toEqual([]);
    expect(await vapiRequests(mark, "DELETE")).toEqual([]);
  });

  it("pages with createdAtLt and limit, and stops at the deletion cap", async () => {
    const now = testDay();
    const orphans = [];
    for (let i = 0; i < 5; i++) orphans.push(await datedAssistant(minutesBefore(now, 20 + i), await orphanMetadata()));
    const mark = await vapi.mark();
    const capped = await sweep(now, { pageSize: 2, maxDeletions: 3 }).run();
    expect(capped.deleted).toHaveLength(3);
    const lists = await vapiRequests(mark, "GET", "/assistant");
    expect(lists[0]?.query).toEqual({ limit: "2", createdAtLt: minutesBefore(now, 10).toISOString() });
    expect(lists[1]?.query).toEqual({ limit: "2", createdAtLt: minutesBefore(now, 21).toISOString() });
    const rest = await sweep(now, { pageSize: 2 }).run();
    const all = [...capped.deleted, ...rest.deleted].map((entry) => entry.assistantId);
    for (const orphan of orphans) expect(all).toContain(orphan.id);
  });

  it("logs a Vapi failure and leaves the orphan for the next run, without throwing", async () => {
    const now = testDay();
    const orphan = await datedAssistant(minutesBefore(now, 30), await orphanMetadata());
    await vapi.fault({ method: "DELETE", path: "/assistant/", status: 500, body: { message: "boom", statusCode: 500 }, times: 2 });
    const { run, logger } = sweep(now);
    const failed = await run();
    expect(failed.failure).toBeDefined();
    expect(failed.deleted.map((entry) => entry.assistantId)).not.toContain(orphan.id);
    expect(logger.entries.some((entry) => entry.level === "warn" && entry.msg.startsWith("orphaned assistant sweep stopped early"))).toBe(true);
    expect(await assistantAtVapi(orphan.id)).toBeDefined();
    await vapi.reset();
    const next = await sweep(now).run();
    expect(next.deleted.map((entry) => entry.assistantId)).toContain(orphan.id);
  });

  it("survives a failed list the same way", async () => {
    const now = testDay();
    await vapi.fault({ method: "GET", path: "/assistant", status: 503, body: { message: "down", statusCode: 503 }, times: 2 });
    const result = await sweep(now).run();
    expect(result.failure).toBeDefined();
    expect(result.deleted).toEqual([]);
  });
});
