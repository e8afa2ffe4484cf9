/**
 * Google (docs/architecture.md §6, §12): connecting the account (`/api/auth/google…`) and the calendar as the
 * dashboard sees it (`/api/google/calendar/…`). Thin: the rules live in services/google.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { assertId } from "../../db/scope";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { ANY_MEMBER, MANAGERS, requireRole, requireUser } from "../../middleware/auth";
import { readSessionCookie } from "../../middleware/session-cookie";
import { getAgent } from "../../services/agents";
import { bookAppointment, failureError, getAvailability, listAppointments, listCalendarsFor } from "../../services/google";
import { completeConnectForSession, disconnect, startConnect } from "../../services/google/connect";
import { appointmentsQuery, availabilityQuery, bookBody } from "./schemas";

/** The request's services (createServices): the database, the clock and Google's settings, made once. */
const deps = (c: Context<HonoEnv>) => c.var.services;

/** The current business's agent, else 404 (another business's agent is not found either). */
const ownAgent = (c: Context<HonoEnv>, agentId: string) => getAgent(c.get("db"), c.get("businessId"), assertId(agentId, "agent"));

export const googleRoutes = new Hono<HonoEnv>()
  .use("/auth/google/disconnect", requireUser(), requireRole(...MANAGERS))
  // Staff book, move and read appointments (docs/architecture.md §7c).
  .use("/google/*", requireUser(), requireRole(...ANY_MEMBER))
  .get("/auth/google", requireUser(), requireRole(...MANAGERS), async (c) => {
    const url = await startConnect(deps(c), { userId: c.get("user").id, businessId: c.get("businessId"), sessionId: c.get("session").id });
    return c.redirect(url, 302);
  })
  .get("/auth/google/callback", async (c) => {
    const query = c.req.query();
    const result = await completeConnectForSession(deps(c), readSessionCookie(c), { state: query.state, code: query.code, error: query.error });
    return c.redirect(`${c.get("config").APP_URL}/integrations?${result.ok ? "google=connected" : `google=error&reason=${result.reason}`}`, 302);
  })
  .post("/auth/google/disconnect", async (c) => {
    await disconnect(deps(c), c.get("businessId"));
    return c.body(null, 204);
  })
  .get("/google/calendars", requireRole(...MANAGERS), async (c) => {
    return c.json({ calendars: await listCalendarsFor(deps(c), c.get("businessId")) }, 200);
  })
  .get("/google/calendar/availability", validate("query", availabilityQuery), async (c) => {
    const { agentId, ...input } = c.req.valid("query");
    const result = await getAvailability(deps(c), await ownAgent(c, agentId), input);
    if (!result.ok) throw failureError(result);
    return c.json({ slots: result.slots, timeZone: result.timeZone, service: result.service, ...(result.closed ? { closed: result.closed, summary: result.summary } : {}) }, 200);
  })
  .post("/google/calendar/book", validate("json", bookBody), async (c) => {
    const { agentId, ...input } = c.req.valid("json");
    // A retried request with the same Idempotency-Key answers the same event.
    const idempotencyKey = `dashboard:${c.req.header("idempotency-key") ?? crypto.randomUUID()}`;
    // The owner vouches for the number they type: that caller may cancel or move the booking later.
    const result = await bookAppointment(deps(c), await ownAgent(c, agentId), { ...input, callerPhone: input.phone, idempotencyKey });
    if (!result.ok) throw failureError(result);
    return c.json({ event: result.event }, result.replayed ? 200 : 201);
  })
  .get("/google/calendar/appointments", validate("query", appointmentsQuery), async (c) => {
    const { agentId, from, to } = c.req.valid("query");
    const result = await listAppointments(deps(c), await ownAgent(c, agentId), { from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined });
    if (!result.ok) throw failureError(result);
    // §12's shape: which calendar an event is in is ours to know (GET /api/appointments says the staff member).
    return c.json({ appointments: result.appointments.map(({ calendarId: _calendar, staffId: _staff, ...appointment }) => appointment) }, 200);
  });
