/**
 * The call log in Google Sheets (docs/architecture.md §6): one spreadsheet per user, "Agentline call log",
 * made on connect (or on first use), and one row per finished call, appended by the queue
 * consumer. A row is appended at most once per call: the call's `sheet_logged_at` and a claim in
 * side_effects stop redeliveries, and every row carries the call's id, which is looked up before
 * appending, so even an append whose answer was lost is not repeated. A spreadsheet deleted by
 * its owner is made again.
 */
import { and, eq, isNull } from "drizzle-orm";
import { agents, businesses, calls, googleConnections } from "../../db/schema";
import type { GoogleApiAccess } from "../../integrations/google/calendar";
import { GoogleApiError } from "../../integrations/google/errors";
import { appendRows, createSpreadsheet, readRows } from "../../integrations/google/sheets";
import { readCallStructuredData } from "../../integrations/vapi/structured-data";
import type { Connection } from "./connection";
import type { GoogleDeps } from "./results";
import { toZoned } from "./time";

export const SPREADSHEET_TITLE = "Agentline call log";
export const SHEET_TITLE = "Calls";
export const HEADER = ["Date", "Agent", "Caller", "Duration (min:sec)", "Summary", "Booked", "Credits", "Call ID"];
const CALL_ID_COLUMN = "H";

/** The user's spreadsheet id, creating it when there is none (one wins when two race). */
export async function ensureSpreadsheet(deps: GoogleDeps, connection: Connection, access: GoogleApiAccess): Promise<string> {
  if (connection.spreadsheetId) return connection.spreadsheetId;
  const { spreadsheetId } = await createSpreadsheet(access, SPREADSHEET_TITLE, SHEET_TITLE, HEADER);
  const [stored] = await deps.db
    .update(googleConnections)
    .set({ spreadsheetId, updatedAt: deps.now() })
    .where(and(eq(googleConnections.id, connection.id), isNull(googleConnections.spreadsheetId)))
    .returning({ spreadsheetId: googleConnections.spreadsheetId });
  if (stored?.spreadsheetId) return stored.spreadsheetId;
  const [winner] = await deps.db.select({ spreadsheetId: googleConnections.spreadsheetId }).from(googleConnections).where(eq(googleConnections.id, connection.id));
  return winner?.spreadsheetId ?? spreadsheetId;
}

/** Forgets a spreadsheet Google no longer has, so the next call makes a new one. */
async function forgetSpreadsheet(deps: GoogleDeps, connection: Connection, spreadsheetId: string) {
  deps.logger.warn("call log spreadsheet is gone; making a new one", { businessId: connection.businessId });
  await deps.db
    .update(googleConnections)
    .set({ spreadsheetId: null, updatedAt: deps.now() })
    .where(and(eq(googleConnections.id, connection.id), eq(googleConnections.spreadsheetId, spreadsheetId)));
  return { ...connection, spreadsheetId: null };
}

export async function loadCallForLog(deps: GoogleDeps, callId: string) {
  const [row] = await deps.db
    .select({ call: calls, agentName: agents.name, sheetsLogging: agents.sheetsLogging, timezone: businesses.timezone })
    .from(calls)
    .innerJoin(businesses, eq(businesses.id, calls.businessId))
    .leftJoin(agents, eq(agents.id, calls.agentId))
    .where(eq(calls.id, callId))
    .limit(1);
  return row;
}

type CallForLog = NonNullable<Awaited<ReturnType<typeof loadCallForLog>>>;

/** The row as the owner reads it: date in their timezone, duration as m:ss, never a formula. */
export function callRow({ call, agentName, timezone }: CallForLog): string[] {
  const when = call.startedAt ?? call.createdAt;
  const zoned = toZoned(when, timezone);
  const date = `${zoned.toPlainDate().toString()} ${String(zoned.hour).padStart(2, "0")}:${String(zoned.minute).padStart(2, "0")}`;
  const seconds = call.durationSeconds ?? 0;
  const { appointmentBooked: booked } = readCallStructuredData(call.structuredData);
  return [date, agentName ?? "(deleted agent)", call.customerNumber ?? "unknown", `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`, call.summary ?? "", booked ? "yes" : "no", String(call.creditsCharged), call.id];
}

/**
 * Appends the call's row unless the sheet already has it; recreates a deleted spreadsheet once.
 * Throws GoogleApiError for the caller to decide (retry, or reconnect on 401/403).
 */
export async function appendCallRow(deps: GoogleDeps, connection: Connection, access: GoogleApiAccess, row: string[], callId: string): Promise<void> {
  let current = connection;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const spreadsheetId = await ensureSpreadsheet(deps, current, access);
    try {
      const ids = await readRows(access, spreadsheetId, `${SHEET_TITLE}!${CALL_ID_COLUMN}:${CALL_ID_COLUMN}`);
      if (ids.some((cells) => cells[0] === callId)) return;
      await appendRows(access, spreadsheetId, SHEET_TITLE, [row]);
      return;
    } catch (error) {
      if (!(error instanceof GoogleApiError && error.kind === "not_found") || attempt > 0) throw error;
      current = await forgetSpreadsheet(deps, current, spreadsheetId);
    }
  }
}
