/**
 * Website imports (docs/architecture.md §6; ADRs 0322, 0330-0334): the owner names the business's
 * site, a `knowledge_imports` row is queued and a side-effects message does the work off the
 * request (queued → reading → drafting → ready | failed), and the owner reviews the draft in the
 * dashboard. Nothing here writes to an agent: the dashboard applies what the owner ticks through
 * PATCH /api/agents/:id and then marks the import applied (or dismissed), which makes it the
 * baseline the weekly re-read compares against.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Bindings } from "../../bindings";
import type { Config } from "../../config/env";
import type { Database } from "../../db/client";
import { agents, type KnowledgeImportStatus, knowledgeImports } from "../../db/schema";
import { foundOr404, ownedBy } from "../../db/scope";
import { AppError } from "../../errors";
import type { OpenRouterClient } from "../../integrations/openrouter/client";
import { dnsOverHttpsResolver } from "../../integrations/web/dns-over-https";
import { checkUrlSpelling, UnsafeUrlError } from "../../integrations/web/public-fetch";
import type { Logger } from "../../lib/logger";
import { enforce } from "../rate-limit";
import { draftChanges, hasChanges } from "./changes";
import { draftFromPages } from "./draft";
import { readSite, SiteReadError } from "./read-site";

/** Per business: a few tries at the owner's own site an hour, not a crawler for hire. */
export const IMPORT_LIMIT = { limit: 10, windowSeconds: 3600 } as const;
/** An import still queued, reading or drafting after this was lost (its message dead-lettered): it reads as failed. */
export const STALE_AFTER_MS = 15 * 60 * 1000;

type ImportRow = typeof knowledgeImports.$inferSelect;

export interface KnowledgeDeps {
  db: Database;
  config: Config;
  logger: Logger;
  now: () => Date;
  env: Pick<Bindings, "SIDE_EFFECTS">;
}

/** What the API shows of an import. */
export function importJson(row: ImportRow, now: Date) {
  const stale = (row.status === "queued" || row.status === "reading" || row.status === "drafting") && now.getTime() - row.updatedAt.getTime() > STALE_AFTER_MS;
  const status: KnowledgeImportStatus = stale ? "failed" : row.status;
  const error = stale ? "The import did not finish. Please try again." : row.error;
  return {
    id: row.id,
    status,
    url: row.url,
    kind: row.kind,
    agentId: row.agentId,
    ...(error ? { error } : {}),
    ...(row.draft ? { draft: row.draft } : {}),
    ...(row.changes ? { changes: row.changes } : {}),
    pages: row.pages,
    createdAt: row.createdAt.toISOString(),
    appliedAt: row.appliedAt?.toISOString() ?? null,
    seenAt: row.seenAt?.toISOString() ?? null,
  };
}

/** The URL as it will be read, or a 400 saying what is wrong with its spelling (known before anything is fetched). */
export function checkImportUrl(raw: string, config: Pick<Config, "WEB_IMPORT_ALLOW_HOSTS">): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw.trim()) ? raw.trim() : `https://${raw.trim()}`;
  try {
    return checkUrlSpelling(withScheme, config.WEB_IMPORT_ALLOW_HOSTS).toString();
  } catch (error) {
    // Shaped as the validation hook shapes a field's problem ("url: …", details by path).
    if (error instanceof UnsafeUrlError) throw new AppError("validation_failed", `url: ${error.message}`, [{ path: "url", message: error.message, reason: error.reason }]);
    throw error;
  }
}

/** POST /api/knowledge/import: checks the spelling, counts the attempt, queues the reading. */
export async function startImport(deps: KnowledgeDeps, input: { businessId: string; userId: string; url: string; agentId?: string | undefined }) {
  const url = checkImportUrl(input.url, deps.config);
  if (input.agentId) {
    const [agent] = await deps.db.select({ id: agents.id }).from(agents).where(ownedBy(agents, input.businessId, input.agentId));
    foundOr404(agent, "agent");
  }
  await enforce(deps.db, { key: `knowledge-import:business:${input.businessId}`, ...IMPORT_LIMIT });
  const [row] = await deps.db
    .insert(knowledgeImports)
    .values({ businessId: input.businessId, requestedBy: input.userId, agentId: input.agentId ?? null, url })
    .returning();
  const created = row as ImportRow;
  await queueImport(deps, created.id);
  return importJson(created, deps.now());
}

async function queueImport(deps: KnowledgeDeps, importId: string) {
  try {
    await deps.env.SIDE_EFFECTS.send({ type: "knowledge.import", idempotencyKey: `knowledge-import:${importId}`, importId });
  } catch (error) {
    await setStatus(deps.db, importId, { status: "failed", error: "The import could not be started. Please try again." });
    throw error;
  }
}

export async function getImport(deps: Pick<KnowledgeDeps, "db" | "now">, businessId: string, id: string) {
  const [row] = await deps.db.select().from(knowledgeImports).where(ownedBy(knowledgeImports, businessId, id));
  return importJson(foundOr404(row, "import"), deps.now());
}

/** The business's latest imports, newest first (the dashboard finds a weekly re-read's changes here). */
export async function listImports(deps: Pick<KnowledgeDeps, "db" | "now">, businessId: string, filter: { agentId?: string | undefined } = {}) {
  const where = filter.agentId ? and(ownedBy(knowledgeImports, businessId), eq(knowledgeImports.agentId, filter.agentId)) : ownedBy(knowledgeImports, businessId);
  const rows = await deps.db.select().from(knowledgeImports).where(where).orderBy(desc(knowledgeImports.createdAt)).limit(10);
  const now = deps.now();
  return rows.map((row) => importJson(row, now));
}

/** The owner applied what they ticked (through the agent's PATCH) or dismissed the draft: it becomes the weekly re-read's baseline. */
export async function markImport(deps: Pick<KnowledgeDeps, "db" | "now">, businessId: string, id: string, outcome: "applied" | "dismissed") {
  const [row] = await deps.db.select().from(knowledgeImports).where(ownedBy(knowledgeImports, businessId, id));
  const found = foundOr404(row, "import");
  if (found.status !== "ready") throw new AppError("conflict", "Only a finished import can be applied or dismissed.");
  const now = deps.now();
  const [updated] = await deps.db
    .update(knowledgeImports)
    .set(outcome === "applied" ? { appliedAt: now, seenAt: found.seenAt ?? now, updatedAt: now } : { seenAt: now, updatedAt: now })
    .where(ownedBy(knowledgeImports, businessId, id))
    .returning();
  return importJson(updated as ImportRow, now);
}

function setStatus(db: Database, id: string, values: Partial<Pick<ImportRow, "status" | "error" | "pages" | "draft" | "changes">>) {
  return db.update(knowledgeImports).set({ ...values, updatedAt: sql`now()` }).where(eq(knowledgeImports.id, id));
}

/** The draft the weekly re-read compares against: the business's last import the owner applied or saw. */
async function baselineOf(db: Database, row: ImportRow) {
  const [baseline] = await db
    .select({ draft: knowledgeImports.draft })
    .from(knowledgeImports)
    .where(and(eq(knowledgeImports.businessId, row.businessId), sql`${knowledgeImports.seenAt} is not null`, sql`${knowledgeImports.draft} is not null`))
    .orderBy(desc(knowledgeImports.seenAt))
    .limit(1);
  return baseline?.draft ?? null;
}

/**
 * The queue's `knowledge.import`: read, draft, store. A redelivery of a finished import does
 * nothing; one of an import a killed process left reading or drafting starts it again (nothing is
 * stored before the draft). The site's refusals and the AI writer's failures end the import as
 * failed with their words; only the database's failures are thrown, for the queue to retry.
 */
export async function runImport(deps: KnowledgeDeps & { openrouter: () => OpenRouterClient }, importId: string): Promise<void> {
  const [row] = await deps.db.select().from(knowledgeImports).where(eq(knowledgeImports.id, importId));
  if (!row || row.status === "ready" || row.status === "failed") return;
  await setStatus(deps.db, row.id, { status: "reading", error: null });
  const { config } = deps;
  let reading: Awaited<ReturnType<typeof readSite>>;
  try {
    reading = await readSite(row.url, {
      allowHosts: config.WEB_IMPORT_ALLOW_HOSTS,
      resolve: dnsOverHttpsResolver(config.WEB_IMPORT_DNS_URL),
      timeoutMs: config.WEB_IMPORT_TIMEOUT_MS,
    });
  } catch (error) {
    if (!(error instanceof SiteReadError)) throw error;
    await setStatus(deps.db, row.id, { status: "failed", error: error.message });
    return;
  }
  const pages = [...reading.pages.map((page) => ({ url: page.url, title: page.title })), ...reading.skipped];
  await setStatus(deps.db, row.id, { status: "drafting", pages });
  try {
    const draft = await draftFromPages(deps.openrouter(), row.url, reading.pages);
    const baseline = row.kind === "weekly" ? await baselineOf(deps.db, row) : null;
    await setStatus(deps.db, row.id, { status: "ready", draft, changes: baseline ? draftChanges(baseline, draft) : null });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    deps.logger.warn("website import could not be drafted", { importId: row.id, code: error.code });
    const why = error.code === "service_not_configured" ? "The AI writer is not configured on this server." : "The AI writer could not draft from your website. Please try again.";
    await setStatus(deps.db, row.id, { status: "failed", error: why });
  }
}

/** Weeks since the epoch, Monday-based in UTC (1970-01-01 was a Thursday). */
export function weekOf(date: Date): number {
  return Math.floor((date.getTime() / 86_400_000 + 3) / 7);
}

/**
 * The Cron Trigger's weekly re-read (ADR 0333): one `weekly` row per business per week, for the
 * site of its last import the owner applied or saw. The unique index makes a second run in the
 * same week insert nothing, so nothing is queued twice.
 */
export async function queueWeeklyRereads(deps: KnowledgeDeps, now: Date): Promise<number> {
  const week = weekOf(now);
  const inserted = await deps.db.execute<{ id: string }>(sql`
    insert into knowledge_imports (business_id, agent_id, url, kind, reread_week)
    select latest.business_id, latest.agent_id, latest.url, 'weekly', ${week}::int
    from (
      select distinct on (k.business_id) k.business_id, k.agent_id, k.url, k.seen_at
      from knowledge_imports k
      join businesses b on b.id = k.business_id and b.deleted_at is null
      where k.seen_at is not null
      order by k.business_id, k.seen_at desc
    ) latest
    where latest.seen_at < ${now.toISOString()}::timestamptz - interval '6 days'
    on conflict (business_id, reread_week) where kind = 'weekly' do nothing
    returning id`);
  for (const { id } of inserted.rows) await queueImport(deps, id).catch((error: unknown) => deps.logger.warn("weekly re-read could not be queued", { importId: id, error: String(error) }));
  return inserted.rows.length;
}

/** Whether a ready weekly re-read has something to offer (the dashboard's "changes on your website"). */
export { hasChanges };
