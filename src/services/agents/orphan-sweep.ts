/**
 * The orphaned-assistant sweep (ADR 0104). When Vapi times out on an agent's create we answer
 * 502 and store nothing, yet Vapi may still create the assistant after we gave up. Such an
 * assistant carries our `metadata.agentId` but no agents row points at it: this deletes it.
 *
 * Safe by construction:
 * - only assistants with our metadata (UUIDs `agentId` and `userId`) whose user has a row here
 *   are considered; anything else in the Vapi org (other assistants, another environment's) is
 *   never touched;
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
import { agents, users } from "../../db/schema";
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

/** Our agent and user ids, when the assistant carries our metadata; anything else is not ours to judge. */
export function ourMetadata(assistant: Pick<Vapi.Assistant, "metadata">): { agentId: string; userId: string } | undefined {
  const metadata = assistant.metadata as { agentId?: unknown; userId?: unknown } | undefined;
  if (!metadata || typeof metadata.agentId !== "string" || typeof metadata.userId !== "string") return undefined;
  if (!UUID_PATTERN.test(metadata.agentId) || !UUID_PATTERN.test(metadata.userId)) return undefined;
  return { agentId: metadata.agentId.toLowerCase(), userId: metadata.userId.toLowerCase() };
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
      for (const orphan of orphans) {
        if (result.deleted.length >= maxDeletions) break;
        await deleteOrphan(deps, orphan, result);
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

interface Orphan {
  assistant: Vapi.Assistant;
  agentId: string;
  userId: string;
}

/**
 * The assistants with our metadata whose agent has no row — and whose user does have one: an
 * assistant naming a user this database never had (another environment sharing the Vapi org) is
 * not ours to delete.
 */
async function withoutAgentRow(db: Database, assistants: Vapi.Assistant[]): Promise<Orphan[]> {
  const ours = assistants.flatMap((assistant) => {
    const metadata = ourMetadata(assistant);
    return metadata ? [{ assistant, ...metadata }] : [];
  });
  if (ours.length === 0) return [];
  const agentRows = await db
    .select({ id: agents.id })
    .from(agents)
    .where(inArray(agents.id, [...new Set(ours.map((entry) => entry.agentId))]));
  const alive = new Set(agentRows.map((row) => row.id.toLowerCase()));
  const candidates = ours.filter((entry) => !alive.has(entry.agentId));
  if (candidates.length === 0) return [];
  const userRows = await db
    .select({ id: users.id })
    .from(users)
    .where(inArray(users.id, [...new Set(candidates.map((entry) => entry.userId))]));
  const known = new Set(userRows.map((row) => row.id.toLowerCase()));
  return candidates.filter((entry) => known.has(entry.userId));
}

async function deleteOrphan(deps: SweepDeps, { assistant, agentId, userId }: Orphan, result: SweepResult): Promise<void> {
  try {
    await deps.vapi.assistants.delete({ id: assistant.id });
  } catch (error) {
    if (!isVapiNotFound(error)) throw error;
  }
  const entry = { assistantId: assistant.id, agentId, userId, createdAt: assistant.createdAt };
  result.deleted.push(entry);
  deps.logger.info("orphaned assistant deleted", entry);
}
