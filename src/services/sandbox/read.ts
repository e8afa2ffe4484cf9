/**
 * Reads the stand-ins' state for the sandbox page: the SMTP stand-in's inbox
 * (SANDBOX_INBOX_URL, its `GET /messages`) and the Google stand-in's state
 * (GOOGLE_API_BASE_URL + `/__control/state`). A stand-in that is not running, or a real service
 * in its place, is reported as unavailable rather than failing the page.
 */
import type { Config } from "../../config/env";

const TIMEOUT_MS = 3000;

export interface SandboxEmail {
  receivedAt: string;
  to: string[];
  subject: string;
  text: string;
}
export interface SandboxSheetRow {
  spreadsheet: string;
  tab: string;
  cells: string[];
}
export interface SandboxEvent {
  calendar: string;
  summary: string;
  start: string;
  end: string;
  status: string;
  description: string;
}
export interface SandboxView {
  inbox: { available: boolean; emails: SandboxEmail[] };
  google: { available: boolean; sheetRows: SandboxSheetRow[]; events: SandboxEvent[] };
}

export async function readSandbox(config: Pick<Config, "SANDBOX_INBOX_URL" | "GOOGLE_API_BASE_URL">): Promise<SandboxView> {
  const [inbox, google] = await Promise.all([
    config.SANDBOX_INBOX_URL ? getJson(config.SANDBOX_INBOX_URL) : null,
    config.GOOGLE_API_BASE_URL ? getJson(new URL("/__control/state", config.GOOGLE_API_BASE_URL).toString()) : null,
  ]);
  return {
    inbox: { available: inbox !== null, emails: emailsOf(inbox) },
    google: { available: google !== null, sheetRows: sheetRowsOf(google), events: eventsOf(google) },
  };
}

async function getJson(url: string): Promise<unknown> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

const text = (value: unknown) => (typeof value === "string" ? value : value === undefined || value === null ? "" : String(value));
const record = (value: unknown): Record<string, unknown> => (value && typeof value === "object" ? (value as Record<string, unknown>) : {});

function emailsOf(inbox: unknown): SandboxEmail[] {
  const messages = Array.isArray(record(inbox).messages) ? (record(inbox).messages as unknown[]) : [];
  return messages
    .map((message) => {
      const m = record(message);
      const to = record(m.envelope).to;
      return { receivedAt: text(m.receivedAt), to: Array.isArray(to) ? to.map(text) : [], subject: text(m.subject), text: text(m.text) };
    })
    .reverse();
}

function sheetRowsOf(state: unknown): SandboxSheetRow[] {
  return Object.values(record(record(state).spreadsheets)).flatMap((spreadsheet) => {
    const s = record(spreadsheet);
    if (s.deleted) return [];
    const tabs = Array.isArray(s.tabs) ? s.tabs : [];
    return tabs.flatMap((tab) => {
      const t = record(tab);
      const rows = Array.isArray(t.rows) ? t.rows : [];
      return rows.map((row) => ({ spreadsheet: text(s.title), tab: text(t.title), cells: Array.isArray(row) ? row.map(text) : [] }));
    });
  });
}

function eventsOf(state: unknown): SandboxEvent[] {
  return Object.entries(record(record(state).calendars))
    .flatMap(([calendar, value]) =>
      Object.values(record(record(value).events)).map((event) => {
        const e = record(event);
        const when = (side: unknown) => text(record(side).dateTime ?? record(side).date);
        return { calendar, summary: text(e.summary), start: when(e.start), end: when(e.end), status: text(e.status || "confirmed"), description: text(e.description) };
      }),
    )
    .sort((a, b) => a.start.localeCompare(b.start));
}
