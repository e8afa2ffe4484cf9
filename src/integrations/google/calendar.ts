/**
 * Google Calendar v3 through @googleapis/calendar (rootUrl = GOOGLE_API_BASE_URL), reduced to
 * what booking needs: free/busy, and events inserted, listed by a private extended property,
 * read, patched and deleted. Answers are parsed with zod; failures become GoogleApiError.
 * The client never refreshes tokens itself: the connection service hands it a fresh one.
 */
import type { calendar_v3 } from "@googleapis/calendar";
import type { OAuth2Client } from "google-auth-library";
import { z } from "zod";
import { firstUse } from "../../lib/first-use";
import { GoogleApiError, googleCall, platformFetch, type RenewableToken } from "./errors";
import { googleLibraries } from "./libraries";

/** Read at every request, so a token renewed after a 401 is the one the retry sends. */
export interface GoogleApiAccess extends RenewableToken {
  apiBaseUrl: string | undefined;
  signal?: AbortSignal;
}

/** A client authorised with one access token, pointed at GOOGLE_API_BASE_URL when set. */
export async function bearer(access: GoogleApiAccess): Promise<OAuth2Client> {
  const auth = (await googleLibraries()).newOAuth2Client({ transporterOptions: { fetchImplementation: platformFetch } });
  auth.setCredentials({ access_token: access.accessToken, token_type: "Bearer" });
  return auth;
}

async function client(access: GoogleApiAccess): Promise<calendar_v3.Calendar> {
  return (await googleLibraries()).calendar({ version: "v3", auth: await bearer(access), ...(access.apiBaseUrl ? { rootUrl: access.apiBaseUrl } : {}) });
}

export const requestOptions = (access: GoogleApiAccess) => ({ fetchImplementation: platformFetch, retry: false, ...(access.signal ? { signal: access.signal } : {}) });

// Google's answers are parsed with schemas built on first use, not at startup (lib/first-use.ts, ADR 0900).
const built = firstUse(() => {
  const dateTime = z.object({ dateTime: z.string().optional().nullable(), date: z.string().optional().nullable(), timeZone: z.string().optional().nullable() });

  const eventSchema = z.object({
    id: z.string(),
    status: z.string().optional().nullable(),
    summary: z.string().optional().nullable(),
    description: z.string().optional().nullable(),
    start: dateTime,
    end: dateTime,
    htmlLink: z.string().optional().nullable(),
    transparency: z.string().optional().nullable(),
    extendedProperties: z.object({ private: z.record(z.string(), z.string()).optional().nullable() }).optional().nullable(),
  });

  const freeBusySchema = z.object({
    calendars: z.record(
      z.string(),
      z.object({
        busy: z.array(z.object({ start: z.string(), end: z.string() })).optional().nullable(),
        errors: z.array(z.object({ reason: z.string().optional().nullable() })).optional().nullable(),
      }),
    ),
  });

  return { eventSchema, freeBusySchema };
});

export const eventSchema = z.lazy(() => built().eventSchema);
export type CalendarEvent = z.infer<typeof eventSchema>;
const freeBusySchema = z.lazy(() => built().freeBusySchema);

export interface BusyPeriod {
  start: Date;
  end: Date;
}

/** Busy periods of one calendar in [from, to); a calendar Google cannot read is `not_found`. */
export async function freeBusy(access: GoogleApiAccess, calendarId: string, from: Date, to: Date): Promise<BusyPeriod[]> {
  return (await freeBusyOf(access, [calendarId], from, to)).get(calendarId) ?? [];
}

/**
 * Busy periods of several calendars (staff members') in [from, to), in one request; a calendar
 * Google cannot read is `not_found`, naming it, so a staff member's unshared calendar is never
 * taken for a free one.
 */
export async function freeBusyOf(access: GoogleApiAccess, calendarIds: string[], from: Date, to: Date): Promise<Map<string, BusyPeriod[]>> {
  const ids = [...new Set(calendarIds)];
  const response = await googleCall(async () =>
    (await client(access)).freebusy.query({ requestBody: { timeMin: from.toISOString(), timeMax: to.toISOString(), items: ids.map((id) => ({ id })) } }, requestOptions(access)),
    access,
  );
  const calendars = freeBusySchema.parse(response.data).calendars;
  const busy = new Map<string, BusyPeriod[]>();
  for (const calendarId of ids) {
    const entry = calendars[calendarId];
    if (!entry || entry.errors?.length) {
      throw new GoogleApiError("not_found", `calendar ${calendarId}: ${entry?.errors?.map((e) => e.reason).join(", ") ?? "missing from the answer"}`, 404);
    }
    busy.set(calendarId, (entry.busy ?? []).map((period) => ({ start: new Date(period.start), end: new Date(period.end) })));
  }
  return busy;
}

export interface NewEvent {
  /** Our own id (base32hex), so a retried insert cannot create a second event. */
  id: string;
  summary: string;
  description: string;
  start: Date;
  end: Date;
  timeZone: string;
  attendeeEmail?: string;
  privateProperties: Record<string, string>;
}

export async function insertEvent(access: GoogleApiAccess, calendarId: string, event: NewEvent): Promise<CalendarEvent> {
  const response = await googleCall(async () =>
    (await client(access)).events.insert(
      {
        calendarId,
        sendUpdates: event.attendeeEmail ? "all" : "none",
        requestBody: {
          id: event.id,
          summary: event.summary,
          description: event.description,
          start: { dateTime: event.start.toISOString(), timeZone: event.timeZone },
          end: { dateTime: event.end.toISOString(), timeZone: event.timeZone },
          ...(event.attendeeEmail ? { attendees: [{ email: event.attendeeEmail }] } : {}),
          extendedProperties: { private: event.privateProperties },
        },
      },
      requestOptions(access),
    ),
    access,
  );
  return eventSchema.parse(response.data);
}

export async function getEvent(access: GoogleApiAccess, calendarId: string, eventId: string): Promise<CalendarEvent> {
  const response = await googleCall(async () => (await client(access)).events.get({ calendarId, eventId }, requestOptions(access)), access);
  return eventSchema.parse(response.data);
}

/** Events overlapping [from, to) whose private extended properties match every pair given. */
export async function listEvents(
  access: GoogleApiAccess,
  calendarId: string,
  query: { from: Date; to: Date; privateProperties?: Record<string, string>; maxResults?: number },
): Promise<CalendarEvent[]> {
  const filters = Object.entries(query.privateProperties ?? {}).map(([key, value]) => `${key}=${value}`);
  const response = await googleCall(async () =>
    (await client(access)).events.list(
      {
        calendarId,
        timeMin: query.from.toISOString(),
        timeMax: query.to.toISOString(),
        singleEvents: true,
        orderBy: "startTime",
        maxResults: query.maxResults ?? 100,
        ...(filters.length ? { privateExtendedProperty: filters } : {}),
      },
      requestOptions(access),
    ),
    access,
  );
  return z.object({ items: z.array(eventSchema).optional().nullable() }).parse(response.data).items ?? [];
}

export async function moveEvent(access: GoogleApiAccess, calendarId: string, eventId: string, start: Date, end: Date, timeZone: string, notify: boolean) {
  const response = await googleCall(async () =>
    (await client(access)).events.patch(
      {
        calendarId,
        eventId,
        sendUpdates: notify ? "all" : "none",
        requestBody: { start: { dateTime: start.toISOString(), timeZone }, end: { dateTime: end.toISOString(), timeZone } },
      },
      requestOptions(access),
    ),
    access,
  );
  return eventSchema.parse(response.data);
}

/** Deletes the event; one already gone counts as deleted. */
export async function deleteEvent(access: GoogleApiAccess, calendarId: string, eventId: string, notify: boolean): Promise<void> {
  try {
    await googleCall(async () => (await client(access)).events.delete({ calendarId, eventId, sendUpdates: notify ? "all" : "none" }, requestOptions(access)), access);
  } catch (error) {
    if (error instanceof GoogleApiError && error.kind === "not_found") return;
    throw error;
  }
}

export interface CalendarSummary {
  id: string;
  name: string;
  primary: boolean;
  /** owner, writer, reader or freeBusyReader: booking needs writer or owner. */
  accessRole: string;
}

/** The calendars the account can see (calendarList.list, every page up to 250 entries). */
export async function listCalendars(access: GoogleApiAccess): Promise<CalendarSummary[]> {
  const response = await googleCall(async () => (await client(access)).calendarList.list({ maxResults: 250 }, requestOptions(access)), access);
  const entries = z
    .object({
      items: z
        .array(z.object({ id: z.string(), summary: z.string().optional().nullable(), summaryOverride: z.string().optional().nullable(), primary: z.boolean().optional().nullable(), accessRole: z.string().optional().nullable() }))
        .optional()
        .nullable(),
    })
    .parse(response.data).items;
  return (entries ?? []).map((entry) => ({ id: entry.id, name: entry.summaryOverride ?? entry.summary ?? entry.id, primary: entry.primary === true, accessRole: entry.accessRole ?? "reader" }));
}
