/**
 * The orphaned-assistant sweep (ADR 0104). When Vapi times out on an agent's create we answer
 * 502 and store nothing, yet Vapi may still create the assistant after we gave up. Such an
 * assistant carries our `metadata.agentId` but no agents row points at it: this deletes it.
 *
 * Safe by construction:
 * - only assistants with our metadata (a UUID `agentId` and a string `userId`) are considered;
 *   anything else in the owner's Vapi org is never touched;
 * - only assistants created before `now - margin` are listed (`createdAtLt`), so an agent being
 *   created right now (assistant made, row not yet written) is never swept;
 * - an agent's row is deleted only after its assistant (services/agents), so "no row" means the
 *   assistant belongs to nothing;
 * - bounded per run (pages and deletions); what is left waits for the next run, and a Vapi or
 *   database failure is logged, never thrown.
 */

import type { Vapi } from "@vapi-ai/server-sdk";
import { inArray } from "drizzle-orm";
import type { Database } from "../../db/client";
import { agents } from "../../db/schema";
import { isVapiNotFound, type VapiClient } from "../../integrations/vapi/client";
import { describeError, type Logger } from "../../lib/logger";

export const SWEEP_SAFETY_MARGIN_MS = 10 * 60_000;
export const SWEEP_PAGE_SIZE = 100;
export const SWEEP_MAX_PAGES = 20;
export const SWEEP_MAX_DELETIONS = 50;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SweepDeps {
  db: Database;
  vapi: VapiClient;
  logger: Logger;
}

export interface SweepOptions {
  now?: Date;
  marginMs?: number;
  pageSize?: number;
  maxPages?: number;
  maxDeletions?: number;
}

export interface SweepResult {
  /** Assistants deleted (already gone at Vapi counts as deleted). */
  deleted: { assistantId: string; agentId: string; userId: string; createdAt: string }[];
  /** Assistants looked at (created before the cutoff). */
  examined: number;
  /** Set when the run stopped early on a failure; the rest waits for the next run. */
  failure?: string;
}

/** Our agent id, when the assistant carries our metadata; anything else is not ours to judge. */
export function ourAgentId(assistant: Pick<Vapi.Assistant, "metadata">): string | undefined {
  const metadata = assistant.metadata as { agentId?: unknown; userId?: unknown } | undefined;
  if (!metadata || typeof metadata.agentId !== "string" || typeof metadata.userId !== "string") return undefined;
  return UUID_PATTERN.test(metadata.agentId) ? metadata.agentId.toLowerCase() : undefined;
}

export async function sweepOrphanedAssistants(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const now = options.now ?? new Date();
  const pageSize = options.pageSize ?? SWEEP_PAGE_SIZE;
  const maxPages = options.maxPages ?? SWEEP_MAX_PAGES;
  const maxDeletions = options.maxDeletions ?? SWEEP_MAX_DELETIONS;
  const result: SweepResult = { deleted: [], examined: 0 };
  // Vapi lists newest first; each page continues below the oldest createdAt of the one before.
  let cursor = new Date(now.getTime() - (options.marginMs ?? SWEEP_SAFETY_MARGIN_MS)).toISOString();
  try {
    for (let page = 0; page < maxPages && result.deleted.length < maxDeletions; page++) {
      const assistants = await deps.vapi.assistants.list({ limit: pageSize, createdAtLt: cursor });
      result.examined += assistants.length;
      const orphans = await withoutAgentRow(deps.db, assistants);
      for (const { assistant, agentId } of orphans) {
        if (result.deleted.length >= maxDeletions) break;
        await deleteOrphan(deps, assistant, agentId, result);
      }
      const oldest = assistants.at(-1)?.createdAt;
      if (assistants.length < pageSize || !oldest || oldest >= cursor) break;
      cursor = oldest;
    }
  } catch (error) {
    result.failure = String(describeError(error).error);
    deps.logger.warn("orphaned assistant sweep stopped early; the rest waits for the next run", { deleted: result.deleted.length, ...describeError(error) });
  }
  deps.logger.info("orphaned assistant sweep finished", { examined: result.examined, deleted: result.deleted.length, failed: result.failure !== undefined });
  return result;
}

/** The assistants with our metadata whose agent has no row. */
async function withoutAgentRow(db: Database, assistants: Vapi.Assistant[]) {
  const ours = assistants.flatMap((assistant) => {
    const agentId = ourAgentId(assistant);
    return agentId ? [{ assistant, agentId }] : [];
  });
  if (ours.length === 0) return [];
  const rows = await db
    .select({ id: agents.id })
    .from(agents)
    .where(inArray(agents.id, [...new Set(ours.map((entry) => entry.agentId))]));
  const alive = new Set(rows.map((row) => row.id.toLowerCase()));
  return ours.filter((entry) => !alive.has(entry.agentId));
}

async function deleteOrphan(deps: SweepDeps, assistant: Vapi.Assistant, agentId: string, result: SweepResult): Promise<void> {
  try {
    await deps.vapi.assistants.delete({ id: assistant.id });
  } catch (error) {
    if (!isVapiNotFound(error)) throw error;
  }
  const userId = String((assistant.metadata as { userId: string }).userId);
  const entry = { assistantId: assistant.id, agentId, userId, createdAt: assistant.createdAt };
  result.deleted.push(entry);
  deps.logger.info("orphaned assistant deleted", entry);
}
