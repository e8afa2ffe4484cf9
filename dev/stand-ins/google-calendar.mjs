/**
 * Google Calendar API v3, the part Agentline uses, as the stand-in serves it. `primary` is the
 * signed-in account's own calendar (its id is the account's email).
 *
 *   POST   /calendar/v3/calendars                        create a secondary calendar {summary} → {id, summary}
 *   GET    /calendar/v3/users/me/calendarList            the account's calendars: its own, then those it created
 *   POST   /calendar/v3/freeBusy                         {timeMin, timeMax, items: [{id}]} → busy periods
 *   POST   /calendar/v3/calendars/:cal/events            insert (client-chosen base32hex id allowed; 409 duplicate)
 *   GET    /calendar/v3/calendars/:cal/events            list: timeMin/timeMax overlap, privateExtendedProperty
 *                                                       (repeatable, all must match), showDeleted, orderBy
 *   GET    /calendar/v3/calendars/:cal/events/:id        get (cancelled events are still returned)
 *   PATCH  /calendar/v3/calendars/:cal/events/:id        patch (merges extendedProperties.private)
 *   DELETE /calendar/v3/calendars/:cal/events/:id        delete (status becomes cancelled; 410 when already)
 */
import { apiError, randomId, withAccessToken } from "./google-common.mjs";

const EVENTS_SCOPES = ["https://www.googleapis.com/auth/calendar", "https://www.googleapis.com/auth/calendar.events"];
const FREEBUSY_SCOPES = [...EVENTS_SCOPES, "https://www.googleapis.com/auth/calendar.events.freebusy", "https://www.googleapis.com/auth/calendar.freebusy", "https://www.googleapis.com/auth/calendar.readonly"];
const CALENDAR_LIST_SCOPES = ["https://www.googleapis.com/auth/calendar", "https://www.googleapis.com/auth/calendar.readonly", "https://www.googleapis.com/auth/calendar.calendarlist.readonly", "https://www.googleapis.com/auth/calendar.calendarlist"];
const EVENT_ID = /^[a-v0-9]{5,1024}$/;

const notFound = () => apiError(404, "Not Found", "notFound", "NOT_FOUND");
const badRequest = (message, reason = "invalid") => apiError(400, message, reason, "INVALID_ARGUMENT");

/** @param {import("./google-common.mjs").GoogleState} state */
export function calendarRoutes(state) {
  /** The calendar's event map, created on first use for the account's own calendar; null for other ids. */
  function calendarOf(id, account) {
    const calendarId = id === "primary" ? account.email : id;
    if (calendarId !== account.email && !state.calendars[calendarId]) return null;
    state.calendars[calendarId] ??= { events: {} };
    return { calendarId, events: /** @type {Record<string, any>} */ (state.calendars[calendarId].events) };
  }

  const instant = (value) => (value?.dateTime ? Date.parse(value.dateTime) : value?.date ? Date.parse(`${value.date}T00:00:00Z`) : NaN);
  const blocks = (event) => event.status !== "cancelled" && event.transparency !== "transparent";

  function createCalendar(req) {
    const id = `c_${randomId(20)}@group.calendar.google.com`;
    state.calendars[id] = { events: {}, owner: req.account.sub, summary: req.body?.summary ?? "" };
    return { json: { kind: "calendar#calendar", etag: `"${Date.now()}"`, id, summary: req.body?.summary ?? "", timeZone: req.body?.timeZone ?? "UTC" } };
  }

  /** calendarList.list: the primary calendar, then the secondary ones this account owns (Google's CalendarListEntry). */
  function calendarList(req) {
    const entry = (id, summary, primary) => ({
      kind: "calendar#calendarListEntry",
      etag: `"${id.length}"`,
      id,
      summary,
      timeZone: "UTC",
      accessRole: "owner",
      ...(primary ? { primary: true } : {}),
    });
    const own = Object.entries(state.calendars)
      .filter(([, calendar]) => calendar.owner === req.account.sub)
      .map(([id, calendar]) => entry(id, calendar.summary || id, false));
    return { json: { kind: "calendar#calendarList", etag: `"${own.length}"`, items: [entry(req.account.email, req.account.email, true), ...own] } };
  }

  function freeBusy(req) {
    const { timeMin, timeMax, items } = req.body ?? {};
    const from = Date.parse(timeMin);
    const to = Date.parse(timeMax);
    if (Number.isNaN(from) || Number.isNaN(to)) return badRequest("Missing timeMin or timeMax.", "required");
    if (to <= from) return badRequest("The specified time range is empty.", "timeRangeEmpty");
    const calendars = {};
    for (const { id } of Array.isArray(items) ? items : []) {
      const calendar = calendarOf(id, req.account);
      if (!calendar) {
        calendars[id] = { errors: [{ domain: "global", reason: "notFound" }], busy: [] };
        continue;
      }
      const periods = Object.values(calendar.events)
        .filter((e) => blocks(e) && instant(e.start) < to && instant(e.end) > from)
        .map((e) => [Math.max(from, instant(e.start)), Math.min(to, instant(e.end))])
        .sort((a, b) => a[0] - b[0]);
      const merged = [];
      for (const period of periods) {
        const last = merged[merged.length - 1];
        if (last && period[0] <= last[1]) last[1] = Math.max(last[1], period[1]);
        else merged.push([...period]);
      }
      calendars[id] = { busy: merged.map(([s, e]) => ({ start: new Date(s).toISOString().replace(".000", ""), end: new Date(e).toISOString().replace(".000", "") })) };
    }
    return { json: { kind: "calendar#freeBusy", timeMin: new Date(from).toISOString(), timeMax: new Date(to).toISOString(), calendars } };
  }

  function insert(req) {
    const calendar = calendarOf(req.params[0], req.account);
    if (!calendar) return notFound();
    const body = req.body ?? {};
    if (Number.isNaN(instant(body.start)) || Number.isNaN(instant(body.end))) return badRequest("Missing time zone definition for start time.", "required");
    if (instant(body.end) < instant(body.start)) return badRequest("The specified time range is empty.", "timeRangeEmpty");
    if (body.id !== undefined && !EVENT_ID.test(body.id)) return badRequest("Invalid resource id value.");
    const id = body.id ?? randomId(13).replace(/[^a-v0-9]/g, "a");
    if (calendar.events[id]) return apiError(409, "The requested identifier already exists.", "duplicate", "ALREADY_EXISTS");
    const now = new Date().toISOString();
    const event = {
      kind: "calendar#event",
      etag: `"${Date.now()}"`,
      id,
      status: "confirmed",
      htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${id} ${calendar.calendarId}`).toString("base64url")}`,
      created: now,
      updated: now,
      summary: body.summary,
      description: body.description,
      location: body.location,
      creator: { email: req.account.email, self: true },
      organizer: { email: calendar.calendarId, self: true },
      start: body.start,
      end: body.end,
      iCalUID: `${id}@google.com`,
      sequence: 0,
      attendees: body.attendees?.map((a) => ({ responseStatus: "needsAction", ...a })),
      extendedProperties: body.extendedProperties,
      transparency: body.transparency,
      reminders: body.reminders ?? { useDefault: true },
      eventType: "default",
      sendUpdates: req.query.sendUpdates ?? "false",
    };
    calendar.events[id] = stripUndefined(event);
    return { json: publicEvent(calendar.events[id]) };
  }

  function list(req) {
    const calendar = calendarOf(req.params[0], req.account);
    if (!calendar) return notFound();
    const search = new URLSearchParams(req.search);
    const from = search.get("timeMin") ? Date.parse(search.get("timeMin") ?? "") : -Infinity;
    const to = search.get("timeMax") ? Date.parse(search.get("timeMax") ?? "") : Infinity;
    const wanted = search.getAll("privateExtendedProperty").map((pair) => pair.split(/=(.*)/s).slice(0, 2));
    const showDeleted = search.get("showDeleted") === "true";
    const items = Object.values(calendar.events)
      .filter((e) => (showDeleted || e.status !== "cancelled") && instant(e.end) > from && instant(e.start) < to)
      .filter((e) => wanted.every(([key, value]) => e.extendedProperties?.private?.[key] === value))
      .sort((a, b) => instant(a.start) - instant(b.start))
      .slice(0, Number(search.get("maxResults") ?? 250))
      .map(publicEvent);
    return { json: { kind: "calendar#events", etag: `"${Date.now()}"`, summary: calendar.calendarId, updated: new Date().toISOString(), timeZone: "UTC", accessRole: "owner", items } };
  }

  function get(req) {
    const event = calendarOf(req.params[0], req.account)?.events[req.params[1]];
    return event ? { json: publicEvent(event) } : notFound();
  }

  function patch(req) {
    const event = calendarOf(req.params[0], req.account)?.events[req.params[1]];
    if (!event) return notFound();
    const body = req.body ?? {};
    const next = { ...event, ...body, id: event.id, updated: new Date().toISOString(), sequence: event.sequence + 1 };
    if (body.extendedProperties) {
      next.extendedProperties = { ...event.extendedProperties, private: { ...event.extendedProperties?.private, ...body.extendedProperties.private } };
    }
    if (instant(next.end) < instant(next.start)) return badRequest("The specified time range is empty.", "timeRangeEmpty");
    Object.assign(event, stripUndefined(next));
    return { json: publicEvent(event) };
  }

  function remove(req) {
    const event = calendarOf(req.params[0], req.account)?.events[req.params[1]];
    if (!event) return notFound();
    if (event.status === "cancelled") return apiError(410, "Resource has been deleted", "deleted", "GONE");
    event.status = "cancelled";
    event.updated = new Date().toISOString();
    return { status: 204 };
  }

  const authed = (scopes, handle) => withAccessToken(state, scopes, (req, account) => handle({ ...req, account }));
  const events = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/;
  const oneEvent = /^\/calendar\/v3\/calendars\/([^/]+)\/events\/([^/]+)$/;
  return [
    { method: "POST", path: "/calendar/v3/calendars", handle: authed(EVENTS_SCOPES, createCalendar) },
    { method: "POST", path: "/calendar/v3/freeBusy", handle: authed(FREEBUSY_SCOPES, freeBusy) },
    { method: "GET", path: "/calendar/v3/users/me/calendarList", handle: authed(CALENDAR_LIST_SCOPES, calendarList) },
    { method: "POST", path: events, handle: authed(EVENTS_SCOPES, insert) },
    { method: "GET", path: events, handle: authed(EVENTS_SCOPES, list) },
    { method: "GET", path: oneEvent, handle: authed(EVENTS_SCOPES, get) },
    { method: "PATCH", path: oneEvent, handle: authed(EVENTS_SCOPES, patch) },
    { method: "DELETE", path: oneEvent, handle: authed(EVENTS_SCOPES, remove) },
  ];
}

/** The event as Google answers it (our bookkeeping field left out). */
function publicEvent(event) {
  const { sendUpdates: _sendUpdates, ...rest } = event;
  return rest;
}

function stripUndefined(object) {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
