/**
 * Phone numbers (docs/architecture.md §5): bought from Vapi *without* an assistantId, pointed at our webhook
 * with our credential, so every call starts with an assistant-request and we pick the agent.
 * Assigning a number to an agent is therefore only our row's business. Each number gets the
 * owner's phone as Vapi's `fallbackDestination`, so a caller still reaches a person when we
 * cannot answer. Vapi numbers are US only.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Config } from "../../config/env";
import type { Database } from "../../db/client";
import { agents, phoneNumbers } from "../../db/schema";
import { foundOr404, notFound, ownedBy } from "../../db/scope";
import { AppError } from "../../errors";
import type { TwilioClient } from "../../integrations/twilio/client";
import { type VapiClient, vapiFailure } from "../../integrations/vapi/client";
import { encodeCursor, type KeysetCursor } from "../../lib/cursor";
import type { Logger } from "../../lib/logger";
import { sqlState } from "../../lib/sql-state";
import { vapiName, webhookServer } from "../assistant";
import { isOwnNumber, judgeDestination } from "../destinations";
import { webhookCredentialId } from "../vapi/webhook-credential-id";
import { notPending, releasePhoneNumberSlot, reservePhoneNumberSlot } from "./cap";
import { forwardingJson } from "./forwarding";
import { type ProvidedNumber, provideNumber, releaseNumber, releaseProvided, type VapiNumber } from "./provider";

/** Numbers still activating are re-read from Vapi when listed; at most this many per request. */
const REFRESH_LIMIT = 10;

export type PhoneNumber = typeof phoneNumbers.$inferSelect;

export interface PhoneNumberDeps {
  db: Database;
  config: Config;
  logger: Logger;
  vapi: () => VapiClient;
  /** Twilio, for NUMBER_PROVIDER=twilio (services/phone-numbers/provider.ts); made from config when absent. */
  twilio?: () => TwilioClient;
}

export function phoneNumberJson(row: PhoneNumber) {
  return {
    id: row.id,
    number: row.e164,
    agentId: row.agentId,
    vapiPhoneNumberId: row.vapiPhoneNumberId,
    status: row.status,
    areaCode: row.areaCode,
    provider: row.provider,
    /** Only numbers bought at Twilio can text (docs/architecture.md §7b). */
    canText: row.provider === "twilio",
    /** The owner's own line forwarded here, proven by a test call (services/phone-numbers/forwarding.ts). */
    forwarding: forwardingJson(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const createdAtMicros = sql<string>`to_char(${phoneNumbers.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * One page of the user's numbers, oldest first, keyset-paginated on (created_at, id)
 * (docs/architecture.md §12); those Vapi is still activating are refreshed from Vapi.
 */
export async function listPhoneNumbers(
  db: Database,
  businessId: string,
  page: { limit: number; cursor?: KeysetCursor },
  vapi?: () => VapiClient,
  logger?: Logger,
): Promise<{ items: PhoneNumber[]; nextCursor: string | null }> {
  const found = await db
    .select({ row: phoneNumbers, cursorAt: createdAtMicros })
    .from(phoneNumbers)
    .where(
      and(
        ownedBy(phoneNumbers, businessId),
        notPending,
        page.cursor ? sql`(${phoneNumbers.createdAt}, ${phoneNumbers.id}) > (${page.cursor.createdAt}::timestamptz, ${page.cursor.id}::uuid)` : undefined,
      ),
    )
    .orderBy(asc(phoneNumbers.createdAt), asc(phoneNumbers.id))
    .limit(page.limit + 1);
  const rows = found.slice(0, page.limit).map((entry) => entry.row);
  const last = found[page.limit - 1];
  const nextCursor = found.length > page.limit && last ? encodeCursor({ createdAt: last.cursorAt, id: last.row.id }) : null;
  if (!vapi) return { items: rows, nextCursor };
  const stale = rows.filter((row) => row.status !== "active" || !row.e164).slice(0, REFRESH_LIMIT);
  const fresh = await Promise.all(stale.map((row) => refresh(db, vapi, row, logger)));
  const byId = new Map(fresh.map((row) => [row.id, row]));
  return { items: rows.map((row) => byId.get(row.id) ?? row), nextCursor };
}

export async function getPhoneNumber(db: Database, businessId: string, id: string): Promise<PhoneNumber> {
  const [row] = await db.select().from(phoneNumbers).where(and(ownedBy(phoneNumbers, businessId, id), notPending)).limit(1);
  return foundOr404(row, "phone number");
}

/** Vapi's current status and number for one row; on any failure the stored row stands. */
export async function refresh(db: Database, vapi: () => VapiClient, row: PhoneNumber, logger?: Logger): Promise<PhoneNumber> {
  try {
    const remote = (await vapi().phoneNumbers.get({ id: row.vapiPhoneNumberId })) as VapiNumber;
    const status = remote.status ?? row.status;
    const e164 = remote.number ?? row.e164;
    if (status === row.status && e164 === row.e164) return row;
    const [updated] = await db
      .update(phoneNumbers)
      .set({ status, e164, updatedAt: new Date() })
      .where(eq(phoneNumbers.id, row.id))
      .returning();
    return updated ?? row;
  } catch (error) {
    logger?.warn("could not refresh a phone number from Vapi", { phoneNumberId: row.id, error: error instanceof Error ? error.name : String(error) });
    return row;
  }
}

async function assertOwnAgent(db: Database, businessId: string, agentId: string) {
  const [agent] = await db.select({ id: agents.id }).from(agents).where(ownedBy(agents, businessId, agentId)).limit(1);
  if (!agent) throw notFound("agent");
}

export async function buyPhoneNumber(
  deps: PhoneNumberDeps,
  user: { id: string; phone: string | null },
  input: { agentId?: string | null; areaCode?: string; provider?: "vapi" | "twilio" },
): Promise<PhoneNumber> {
  if (input.agentId) await assertOwnAgent(deps.db, user.id, input.agentId);
  const placeholderId = await reservePhoneNumberSlot(deps.db, user.id, deps.config.PHONE_NUMBERS_PER_ACCOUNT);
  const freeSlot = () =>
    releasePhoneNumberSlot(deps.db, user.id, placeholderId).catch(() =>
      deps.logger.error("could not free a phone-number reservation", { phoneNumberId: placeholderId }),
    );
  let provided: ProvidedNumber;
  try {
    const fallback = await allowedFallback(deps, user.phone);
    const credentialId = await webhookCredentialId(deps.db, deps.vapi(), deps.config);
    provided = await provideNumber(
      deps,
      {
        // Vapi numbers carry no metadata; the name says whose environment bought it (ADR 0120).
        name: vapiName(deps.config.ENVIRONMENT_ID, "Agentline number"),
        server: webhookServer({ appUrl: deps.config.APP_URL, credentialId }),
        ...(fallback ? { fallbackDestination: { type: "number" as const, number: fallback } } : {}),
      },
      input.areaCode,
      input.provider,
    );
  } catch (error) {
    await freeSlot();
    throw error;
  }
  const bought: VapiNumber = provided.vapi;
  try {
    const now = new Date();
    // The reservation becomes the number; createdAt restarts so pages order by when it was bought.
    const [row] = await deps.db
      .update(phoneNumbers)
      .set({
        agentId: input.agentId ?? null,
        vapiPhoneNumberId: bought.id,
        e164: bought.number ?? null,
        status: bought.status ?? "activating",
        areaCode: input.areaCode ?? null,
        provider: provided.provider,
        twilioSid: provided.twilioSid,
        createdAt: now,
        updatedAt: now,
      })
      .where(eq(phoneNumbers.id, placeholderId))
      .returning();
    if (!row) throw new Error("the reserved row is gone");
    return row;
  } catch (error) {
    // Nothing half-done: a number we cannot record is released again (at Vapi and Twilio), and so is its slot.
    await releaseProvided(deps, { vapiPhoneNumberId: bought.id, twilioSid: provided.twilioSid });
    await freeSlot();
    deps.logger.error("phone number update failed after Vapi provided it; number released", {
      errorName: error instanceof Error ? error.name : typeof error,
    });
    throw new AppError("internal_error", "The phone number could not be saved, so it was released again. Please try again.");
  }
}

/**
 * The owner's phone as the new number's fallback, if it still passes the destination policy
 * (it did when saved; the countries or our own numbers may have changed since). A phone that no
 * longer passes is left out: the number is still bought, Vapi just hangs up when we cannot answer.
 */
async function allowedFallback(deps: PhoneNumberDeps, phone: string | null): Promise<string | null> {
  if (!phone) return null;
  const verdict = await judgeDestination(phone, deps.config, await isOwnNumber(deps.db, phone));
  if (verdict.ok) return phone;
  deps.logger.warn("the owner's phone fails the destination policy; the number gets no fallback", { rule: verdict.rule });
  return null;
}

/** Assign (agentId) or unassign (null): the agent must be the same user's, else 404. */
export async function assignPhoneNumber(db: Database, businessId: string, id: string, agentId: string | null): Promise<PhoneNumber> {
  if (agentId) await assertOwnAgent(db, businessId, agentId);
  try {
    const [row] = await db.update(phoneNumbers).set({ agentId, updatedAt: new Date() }).where(and(ownedBy(phoneNumbers, businessId, id), notPending)).returning();
    return foundOr404(row, "phone number");
  } catch (error) {
    // The agent was deleted between the check and the update (foreign_key_violation).
    if (sqlState(error) === "23503") throw notFound("agent");
    throw error;
  }
}

/** Releases the number at Vapi and, when it was bought there, at Twilio (a 404 means already gone), then forgets it; the number as it was, for the audit list. */
export async function releasePhoneNumber(deps: PhoneNumberDeps, businessId: string, id: string): Promise<PhoneNumber> {
  const row = await getPhoneNumber(deps.db, businessId, id);
  await releaseNumber(deps, row);
  await deps.db.delete(phoneNumbers).where(and(ownedBy(phoneNumbers, businessId, id), notPending));
  return row;
}

/**
 * Points every number of the user at the owner's new phone as Vapi's fallback, all or nothing:
 * if Vapi refuses one, those already changed are put back and the caller gets Vapi's reason,
 * so the owner's stored phone and what Vapi dials never disagree. (Vapi's update has no way to
 * remove a fallback, so clearing the owner's phone leaves the last one in place at Vapi.)
 */
export async function syncFallbackDestinations(
  deps: Omit<PhoneNumberDeps, "vapi"> & { vapi: () => VapiClient },
  businessId: string,
  phone: string,
  previous: string | null,
): Promise<number> {
  const rows = await deps.db
    .select({ vapiPhoneNumberId: phoneNumbers.vapiPhoneNumberId, provider: phoneNumbers.provider })
    .from(phoneNumbers)
    .where(and(ownedBy(phoneNumbers, businessId), notPending));
  // The SDK's update body names the number's provider (a Twilio number is updated as one).
  const pointAt = (row: (typeof rows)[number], number: string) =>
    deps.vapi().phoneNumbers.update({ id: row.vapiPhoneNumberId, body: { provider: row.provider, fallbackDestination: { type: "number", number } } });
  const done: (typeof rows)[number][] = [];
  for (const row of rows) {
    try {
      await pointAt(row, phone);
      done.push(row);
    } catch (error) {
      if (previous) {
        for (const changed of done) {
          await pointAt(changed, previous).catch(() =>
            deps.logger.error("could not restore a number's fallback destination", { vapiPhoneNumberId: changed.vapiPhoneNumberId }),
          );
        }
      }
      throw vapiFailure(error, "point your phone numbers at your new phone");
    }
  }
  return done.length;
}
