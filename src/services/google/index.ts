/**
 * Google Calendar booking for an agent: the API the dashboard routes and the voice tools use.
 *
 * Every function takes `deps = {db, config, logger, now}` (no Hono; `now` is the clock all rules
 * are judged by), the agent's row, its input, and optionally `{timeoutMs, signal}` — one deadline
 * for all of the call's Google requests (default 8 s; the voice tools pass less, to answer well
 * inside Vapi's 20 s). Each answers a `Result`:
 *   `{ok: true, ...}` or `{ok: false, code, message, reason?, nextOpening?, choices?}`,
 * where `message` is a sentence the voice agent can say as is, times spoken in the agent's
 * timezone ("We're closed on Sundays; the next opening is Monday at 9:00 AM."). Codes:
 *   google_not_connected  no connection, or it needs reconnecting (speak the fallback)
 *   google_unavailable    Google failed or timed out
 *   booking_disabled      the agent does not take bookings
 *   invalid_time          past, too soon, beyond the horizon, closed, outside hours, off the grid
 *   slot_taken            someone else holds (part of) that time
 *   no_appointment        the caller has no matching booking (cancel / move)
 *   ambiguous             the caller has several; `choices` lists them
 * Only bugs and database failures throw. `failureError(failure)` gives a route its AppError.
 *
 *   getAvailability(deps, agent, {date: "YYYY-MM-DD"})            → {slots: [{start, end}], summary, timeZone}
 *   bookAppointment(deps, agent, {start, name, phone?, email?, notes?, idempotencyKey, callId?})
 *                                                                  → {event: {id, start, end}, replayed, message}
 *   cancelAppointment(deps, agent, {callerPhone, start?})          → {cancelled, message}
 *   moveAppointment(deps, agent, {callerPhone, from?, newStart})   → {appointment, previous, message}
 *   listAppointments(deps, agent, {from?, to?, callerPhone?})      → {appointments: [{id, start, end, name, phone}]}
 *
 * `start`/`newStart` are ISO 8601 with an offset (or wall-clock time in the agent's timezone);
 * `idempotencyKey` is the Vapi tool-call id, so a retried tool call books once and answers the
 * same event. Cancel and move only ever touch bookings made from `callerPhone` for this agent.
 */

import type * as Appointments from "./appointments";
import type * as Availability from "./availability";
import type * as Booking from "./booking";

export type { Appointment } from "./appointments";
export type { Availability } from "./availability";
export type { Booked, BookingInput } from "./booking";
export { type Agent, type Failure, type FailureCode, failureError, type GoogleCallOptions, type GoogleDeps, type Result, type Slot } from "./results";

// The booking code and temporal-polyfill under it are loaded on the first call, not when the
// isolate starts (evaluating temporal-polyfill wakes workerd's whole `process` polyfill, ~15 ms):
// docs/decisions/0900-startup-budget.md. Import these from here, not from their modules.
export const listAppointments: typeof Appointments.listAppointments = async (...args) => (await import("./appointments")).listAppointments(...args);
export const cancelAppointment: typeof Appointments.cancelAppointment = async (...args) => (await import("./appointments")).cancelAppointment(...args);
export const moveAppointment: typeof Appointments.moveAppointment = async (...args) => (await import("./appointments")).moveAppointment(...args);
export const getAvailability: typeof Availability.getAvailability = async (...args) => (await import("./availability")).getAvailability(...args);
export const bookAppointment: typeof Booking.bookAppointment = async (...args) => (await import("./booking")).bookAppointment(...args);
