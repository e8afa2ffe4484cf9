/**
 * The orphaned-assistant sweep (ADR 0104). When Vapi times out on an agent's create we answer
 * 502 and store nothing, yet Vapi may still create the assistant after we gave up. Such an
 * assistant carries our `metadata.agentId` but no agents row points at it: this deletes it.
 *
 * Safe by construction (ADR 0104, 0120):
 * - only assistants stamped with this deployment's environment (metadata `environmentId` equal
 *   to ENVIRONMENT_ID) and our metadata (UUIDs `agentId` and `businessId`, the user having a row
 *   here) are considered; anything else in the Vapi org (other assistants, another environment's,
 *   even one sharing our user ids) is never touched. An assistant with our ids but no stamp (made
 *   before the stamp existed) is never deleted either: the run logs them once, in one line;
 * - never an assistant whose id any agents row holds (`vapi_assistant_id`), whatever its
 *   metadata says, nor one whose `metadata.agentId` has a row;
 * - only assistants created before `now - margin`: listed with `createdAtLt` and checked again
 *   against their own `createdAt`, so an agent being created right now (assistant made, row
 *   not yet written) is never swept even if the list filter were ignored;
 * - an agent's row is deleted only after its assistant (services/agents), so "no row" means the
 *   assistant belongs to nothing;
 * - bounded per run (pages and deletions); what is left waits for the next run, and a Vapi or
 *   database failure is logged, never thrown.
 */

import type { Vapi } from "@vapi-ai/server-sdk";
import { inArray, or } from "drizzle-orm";
import type { Database } from "../../db/client";
import { agents, businesses } from "../../db/schema";
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
  /** ENVIRONMENT_ID: only assistants stamped with it are ours to sweep. */
  environmentId: string;
}

/** How many ids of unstamped assistants the run's one log line names. */
const UNSTAMPED_LOGGED_IDS = 10;

export interface SweepOptions {
  now?: Date;
  marginMs?: number;
  pageSize?: number;
  maxPages?: number;
  maxDeletions?: number;
}

export interface SweepResult {
  /** Assistants deleted (already gone at Vapi counts as deleted). */
  deleted: { assistantId: string; agentId: string; businessId: string; createdAt: string }[];
  /** Assistants looked at (created before the cutoff). */
  examined: number;
  /** Assistants with our agent and business ids but no environment stamp: kept, and logged once per run. */
  unstamped: number;
  /** Set when the run stopped early on a failure; the rest waits for the next run. */
  failure?: string;
}

/**
 * Our agent and business ids and the environment stamp, when the assistant carries our metadata
 * (`environmentId` undefined when it has none); anything else is not ours to judge. Assistants
 * saved before teams name the business `userId` (its migrated id, ADR 0130).
 */
export function ourMetadata(assistant: Pick<Vapi.Assistant, "metadata">): { agentId: string; businessId: string; environmentId: string | undefined } | undefined {
  const metadata = assistant.metadata as { agentId?: unknown; businessId?: unknown; userId?: unknown; environmentId?: unknown } | undefined;
  const businessId = metadata?.businessId ?? metadata?.userId;
  if (!metadata || typeof metadata.agentId !== "string" || typeof businessId !== "string") return undefined;
  if (!UUID_PATTERN.test(metadata.agentId) || !UUID_PATTERN.test(businessId)) return undefined;
  const environmentId = typeof metadata.environmentId === "string" ? metadata.environmentId : undefined;
  return { agentId: metadata.agentId.toLowerCase(), businessId: businessId.toLowerCase(), environmentId };
}

export async function sweepOrphanedAssistants(deps: SweepDeps, options: SweepOptions = {}): Promise<SweepResult> {
  const now = options.now ?? new Date();
  const pageSize = options.pageSize ?? SWEEP_PAGE_SIZE;
  const maxPages = options.maxPages ?? SWEEP_MAX_PAGES;
  const maxDeletions = options.maxDeletions ?? SWEEP_MAX_DELETIONS;
  const result: SweepResult = { deleted: [], examined: 0, unstamped: 0 };
  const unstampedIds: string[] = [];
  const cutoff = new Date(now.getTime() - (options.marginMs ?? SWEEP_SAFETY_MARGIN_MS));
  // Vapi lists newest first; each page continues below the oldest createdAt of the one before.
  let cursor = cutoff.toISOString();
  try {
    for (let page = 0; page < maxPages && result.deleted.length < maxDeletions; page++) {
      const assistants = await deps.vapi.assistants.list({ limit: pageSize, createdAtLt: cursor });
      result.examined += assistants.length;
      const { stamped, unstamped } = ofOurEnvironment(assistants, deps.environmentId, cutoff);
      result.unstamped += unstamped.length;
      unstampedIds.push(...unstamped.slice(0, UNSTAMPED_LOGGED_IDS - unstampedIds.length));
      const orphans = await withoutAgentRow(deps.db, stamped);
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
  if (result.unstamped > 0) {
    // One line per run, not one per assistant: they stay until a person deletes them (ADR 0120).
    deps.logger.info("assistants with our metadata but no environment stamp kept; the sweep never deletes them", {
      count: result.unstamped,
      assistantIds: unstampedIds,
    });
  }
  deps.logger.info("orphaned assistant sweep finished", { examined: result.examined, deleted: result.deleted.length, unstamped: result.unstamped, failed: result.failure !== undefined });
  return result;
}

interface Orphan {
  assistant: Vapi.Assistant;
  agentId: string;
  businessId: string;
}

/**
 * Of a listed page: the assistants stamped with our environment and older than the cutoff by
 * their own `createdAt` (the list filter is not trusted alone), and the ids of those with our
 * ids but no stamp at all. Another environment's are neither.
 */
function ofOurEnvironment(assistants: Vapi.Assistant[], environmentId: string, cutoff: Date): { stamped: Orphan[]; unstamped: string[] } {
  const stamped: Orphan[] = [];
  const unstamped: string[] = [];
  for (const assistant of assistants) {
    const metadata = ourMetadata(assistant);
    if (!metadata) continue;
    if (metadata.environmentId === undefined) unstamped.push(assistant.id);
    else if (metadata.environmentId === environmentId && Date.parse(assistant.createdAt) < cutoff.getTime()) {
      stamped.push({ assistant, agentId: metadata.agentId, businessId: metadata.businessId });
    }
  }
  return { stamped, unstamped };
}

/**
 * The assistants whose agent has no row and whose id no row holds — and whose user does have a
 * row: an assistant naming a user this database never had is not ours to delete.
 */
async function withoutAgentRow(db: Database, ours: Orphan[]): Promise<Orphan[]> {
  if (ours.length === 0) return [];
  const agentRows = await db
    .select({ id: agents.id, assistantId: agents.vapiAssistantId })
    .from(agents)
    .where(
      or(
        inArray(agents.id, [...new Set(ours.map((entry) => entry.agentId))]),
        inArray(agents.vapiAssistantId, ours.map((entry) => entry.assistant.id)),
      ),
    );
  const alive = new Set(agentRows.map((row) => row.id.toLowerCase()));
  const held = new Set(agentRows.map((row) => row.assistantId));
  const candidates = ours.filter((entry) => !alive.has(entry.agentId) && !held.has(entry.assistant.id));
  if (candidates.length === 0) return [];
  const businessRows = await db
    .select({ id: businesses.id })
    .from(businesses)
    .where(inArray(businesses.id, [...new Set(candidates.map((entry) => entry.businessId))]));
  const known = new Set(businessRows.map((row) => row.id.toLowerCase()));
  return candidates.filter((entry) => known.has(entry.businessId));
}

async function deleteOrphan(deps: SweepDeps, { assistant, agentId, businessId }: Orphan, result: SweepResult): Promise<void> {
  try {
    await deps.vapi.assistants.delete({ id: assistant.id });
  } catch (error) {
    if (!isVapiNotFound(error)) throw error;
  }
  const entry = { assistantId: assistant.id, agentId, businessId, createdAt: assistant.createdAt };
  result.deleted.push(entry);
  deps.logger.info("orphaned assistant deleted", entry);
}
