/**
 * Agents, kept in step with their Vapi assistants (docs/architecture.md §5). Our row is the source of truth
 * and there are no half-states:
 * - create: assistant first, then the row; if the insert fails, the row is read back (the insert
 *   may have committed with its answer lost): a row found is the agent; no row, and the assistant
 *   is deleted again; no answer either, and the assistant is left to the hourly sweep. If Vapi
 *   refuses, nothing is stored and the user gets Vapi's reason.
 * - update: assistant first (with the complete new payload), then the row; if the row cannot be
 *   written, the assistant is put back as the old row describes it.
 * - delete: assistant first (a 404 there means it is already gone), then the row; the row's
 *   phone numbers are unassigned by the foreign key (on delete set null).
 */
import { asc, eq, sql } from "drizzle-orm";
import type { Config } from "../../config/env";
import { DEFAULT_VOICE } from "../../data/voices";
import type { Database } from "../../db/client";
import { agents, DEFAULT_TEXTING } from "../../db/schema";
import { foundOr404, ownedBy } from "../../db/scope";
import { AppError } from "../../errors";
import { deleteAtVapi, isVapiNotFound, type VapiClient, vapiFailure } from "../../integrations/vapi/client";
import { describeError, type Logger } from "../../lib/logger";
import { type AssistantContext, buildAssistant } from "../assistant";
import { normalizeBusinessHours } from "../assistant/business-hours";
import { assertDestinationAllowed } from "../destinations";
import { webhookCredentialId } from "../vapi/webhook-credential-id";
import { assertCatalog, compact, withIds } from "./booking-catalog";
import type { AgentBookingInput, CreateAgentInput, UpdateAgentInput } from "./input";
import type { Agent } from "./view";

export const AGENT_LIST_LIMIT = 100;

export interface AgentDeps {
  db: Database;
  config: Config;
  logger: Logger;
  /** Made on first use: changes that never reach the assistant need no Vapi key. */
  vapi: () => VapiClient;
}

/** Columns that do not reach the assistant: changing only these never calls Vapi (pausing works when Vapi is down). */
const LOCAL_ONLY = new Set(["status", "sheetsLogging", "notify", "calendarId", "texting", "updatedAt"]);

export async function listAgents(db: Database, businessId: string): Promise<Agent[]> {
  return db.select().from(agents).where(ownedBy(agents, businessId)).orderBy(asc(agents.createdAt), asc(agents.id)).limit(AGENT_LIST_LIMIT);
}

export async function getAgent(db: Database, businessId: string, id: string): Promise<Agent> {
  const [row] = await db.select().from(agents).where(ownedBy(agents, businessId, id)).limit(1);
  return foundOr404(row, "agent");
}

async function assistantContext(deps: AgentDeps): Promise<AssistantContext> {
  return {
    appUrl: deps.config.APP_URL,
    credentialId: await webhookCredentialId(deps.db, deps.vapi(), deps.config),
    environmentId: deps.config.ENVIRONMENT_ID,
  };
}

export async function createAgent(deps: AgentDeps, user: { id: string; timezone: string }, input: CreateAgentInput, now = new Date()): Promise<Agent> {
  if (input.transferNumber) await assertDestinationAllowed(deps.db, deps.config, "transferNumber", input.transferNumber);
  const booking = input.booking;
  const draft = {
    id: crypto.randomUUID(),
    businessId: user.id,
    name: input.name,
    greeting: input.greeting,
    businessDescription: input.businessDescription ?? "",
    systemPrompt: input.systemPrompt ?? "",
    faq: input.faq ?? [],
    policies: input.policies ?? "",
    voiceProvider: input.voice?.provider ?? DEFAULT_VOICE.provider,
    voiceId: input.voice?.voiceId ?? DEFAULT_VOICE.voiceId,
    transferNumber: input.transferNumber ?? null,
    bookingEnabled: booking?.enabled ?? false,
    calendarId: booking?.calendarId ?? null,
    appointmentMinutes: booking?.appointmentMinutes ?? 30,
    bufferMinutes: booking?.bufferMinutes ?? 0,
    minNoticeMinutes: booking?.minNoticeMinutes ?? 60,
    horizonDays: booking?.horizonDays ?? 30,
    businessHours: normalizeBusinessHours(booking?.businessHours),
    timezone: booking?.timezone ?? user.timezone,
    ...catalogColumns(booking, { bookingServices: [], bookingStaff: [], bookingClosures: [] }),
    sheetsLogging: input.sheetsLogging ?? false,
    notify: input.notify ?? ("important" as const),
    recordingEnabled: input.recordingEnabled ?? true,
    texting: { ...DEFAULT_TEXTING, ...input.texting },
    status: input.status ?? ("active" as const),
    createdAt: now,
    updatedAt: now,
  };
  const context = await assistantContext(deps);
  let assistantId: string;
  try {
    assistantId = (await deps.vapi().assistants.create(buildAssistant(draft, context))).id;
  } catch (error) {
    throw vapiFailure(error, "create the assistant");
  }
  try {
    const [row] = await deps.db.insert(agents).values({ ...draft, vapiAssistantId: assistantId }).returning();
    if (!row) throw new Error("insert returned no row");
    return row;
  } catch (error) {
    // The insert may have committed with only its answer lost: read back before deleting, or
    // the stored agent would point at an assistant we deleted.
    const stored = await readBack(deps.db, draft.id);
    if (stored === "unknown") {
      // Neither answer is known: keep the assistant. If no row exists, the hourly sweep deletes it (ADR 0104).
      deps.logger.error("agent insert failed after Vapi created its assistant and the row could not be read back; assistant left to the sweep", { agentId: draft.id, assistantId, ...describeError(error) });
      throw new AppError("internal_error", "The agent could not be saved. Reload your agents before trying again.");
    }
    if (stored) {
      deps.logger.warn("agent insert answered an error but the row was written; kept", { agentId: draft.id, ...describeError(error) });
      return stored;
    }
    await deleteAssistantQuietly(deps, assistantId, draft.id);
    deps.logger.error("agent insert failed after Vapi created its assistant; assistant deleted", { agentId: draft.id, ...describeError(error) });
    throw new AppError("internal_error", "The agent could not be saved, so nothing was created. Please try again.");
  }
}

/** The agent row by id after a failed insert: the row, null when there is none, or "unknown" when the read fails too. */
async function readBack(db: Database, id: string): Promise<Agent | null | "unknown"> {
  try {
    const [row] = await db.select().from(agents).where(eq(agents.id, id)).limit(1);
    return row ?? null;
  } catch {
    return "unknown";
  }
}

export async function updateAgent(deps: AgentDeps, businessId: string, id: string, input: UpdateAgentInput, now = new Date()): Promise<Agent> {
  const current = await getAgent(deps.db, businessId, id);
  if (input.transferNumber) await assertDestinationAllowed(deps.db, deps.config, "transferNumber", input.transferNumber);
  const changes: Partial<Agent> = { ...changesFrom(input), ...(input.booking ? catalogColumns(input.booking, current, true) : {}) };
  if (input.texting) changes.texting = { ...DEFAULT_TEXTING, ...current.texting, ...input.texting };
  const next: Agent = { ...current, ...changes, updatedAt: now };
  const touchesAssistant = Object.keys(changes).some((key) => !LOCAL_ONLY.has(key));
  const context = touchesAssistant ? await assistantContext(deps) : undefined;
  if (context) {
    try {
      await deps.vapi().assistants.update({ id: current.vapiAssistantId, ...buildAssistant(next, context) });
    } catch (error) {
      throw vapiFailure(error, "update the assistant");
    }
  }
  let row: Agent | undefined;
  try {
    // Only if nobody changed the row since we read it: the assistant must match what we store.
    [row] = await deps.db
      .update(agents)
      .set({ ...changes, updatedAt: now })
      .where(sql`${ownedBy(agents, businessId, id)} and date_trunc('milliseconds', ${agents.updatedAt}) = ${current.updatedAt.toISOString()}::timestamptz`)
      .returning();
  } catch (error) {
    if (context) await restoreAssistant(deps, current, context);
    deps.logger.error("agent update failed after Vapi updated its assistant; assistant restored", { agentId: id, ...describeError(error) });
    throw new AppError("internal_error", "The agent could not be saved, so nothing was changed. Please try again.");
  }
  if (!row) {
    // Deleted or changed by a concurrent request: put the assistant back as the stored row says.
    const latest = await deps.db.select().from(agents).where(ownedBy(agents, businessId, id)).limit(1);
    if (context && latest[0]) await restoreAssistant(deps, latest[0], context);
    if (!latest[0]) throw new AppError("not_found", "No such agent.");
    throw new AppError("conflict", "This agent was changed by another request at the same time. Reload it and try again.");
  }
  return row;
}

/** Deletes the agent (its assistant at Vapi first); the agent as it was, for the audit list. */
export async function deleteAgent(deps: AgentDeps, businessId: string, id: string): Promise<Agent> {
  const current = await getAgent(deps.db, businessId, id);
  await deleteAtVapi(() => deps.vapi().assistants.delete({ id: current.vapiAssistantId }), "delete the assistant");
  await deps.db.delete(agents).where(ownedBy(agents, businessId, id));
  return current;
}

/** The columns an input sets; `booking` merges into the current settings. */
function changesFrom(input: UpdateAgentInput): Partial<Agent> {
  const changes: Partial<Agent> = {};
  const plain = ["name", "greeting", "businessDescription", "systemPrompt", "faq", "policies", "transferNumber", "sheetsLogging", "notify", "recordingEnabled", "status"] as const;
  for (const key of plain) {
    if (input[key] !== undefined) Object.assign(changes, { [key]: input[key] });
  }
  if (input.voice) Object.assign(changes, { voiceProvider: input.voice.provider, voiceId: input.voice.voiceId });
  const booking = input.booking;
  if (booking) {
    if (booking.enabled !== undefined) changes.bookingEnabled = booking.enabled;
    if (booking.calendarId !== undefined) changes.calendarId = booking.calendarId;
    if (booking.appointmentMinutes !== undefined) changes.appointmentMinutes = booking.appointmentMinutes;
    if (booking.bufferMinutes !== undefined) changes.bufferMinutes = booking.bufferMinutes;
    if (booking.minNoticeMinutes !== undefined) changes.minNoticeMinutes = booking.minNoticeMinutes;
    if (booking.horizonDays !== undefined) changes.horizonDays = booking.horizonDays;
    if (booking.businessHours !== undefined) changes.businessHours = normalizeBusinessHours(booking.businessHours);
    if (booking.timezone !== undefined) changes.timezone = booking.timezone;
  }
  return changes;
}

/**
 * The catalogue columns of a booking input, checked as a whole against what it leaves stored
 * (`current` for what a PATCH does not name). `onlyChanged`: only the columns the input names.
 */
function catalogColumns(
  booking: Partial<AgentBookingInput> | undefined,
  current: Pick<Agent, "bookingServices" | "bookingStaff" | "bookingClosures">,
  onlyChanged = false,
): Partial<Pick<Agent, "bookingServices" | "bookingStaff" | "bookingClosures">> {
  const staff = booking?.staff ? withIds(booking.staff, "st").map((member) => compact({ ...member, businessHours: member.businessHours ? normalizeBusinessHours(member.businessHours) : undefined })) : current.bookingStaff;
  const services = booking?.services ? withIds(booking.services, "sv").map((service) => compact({ ...service })) : current.bookingServices;
  const closures = booking?.closures ? booking.closures.map((closure) => compact({ ...closure })).sort((a, b) => a.from.localeCompare(b.from)) : current.bookingClosures;
  if (booking?.staff || booking?.services) assertCatalog({ services, staff });
  if (!onlyChanged) return { bookingServices: services, bookingStaff: staff, bookingClosures: closures };
  return {
    ...(booking?.services ? { bookingServices: services } : {}),
    ...(booking?.staff ? { bookingStaff: staff } : {}),
    ...(booking?.closures ? { bookingClosures: closures } : {}),
  };
}

async function deleteAssistantQuietly(deps: AgentDeps, assistantId: string, agentId: string) {
  try {
    await deps.vapi().assistants.delete({ id: assistantId });
  } catch (error) {
    if (!isVapiNotFound(error)) deps.logger.error("could not delete an orphaned Vapi assistant", { agentId, assistantId, ...describeError(error) });
  }
}

async function restoreAssistant(deps: AgentDeps, agent: Agent, context: AssistantContext) {
  try {
    await deps.vapi().assistants.update({ id: agent.vapiAssistantId, ...buildAssistant(agent, context) });
  } catch (error) {
    deps.logger.error("could not restore a Vapi assistant to its stored agent", { agentId: agent.id, ...describeError(error) });
  }
}

