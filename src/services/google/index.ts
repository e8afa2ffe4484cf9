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
 *   bookAppointment(deps, agent, {start, name, callerPhone?, phone?, email?, notes?, idempotencyKey, callId?})
 *                                                                  → {event: {id, start, end}, replayed, message}
 *   cancelAppointment(deps, agent, {callerPhone, start?})          → {cancelled, message}
 *   moveAppointment(deps, agent, {callerPhone, from?, newStart})   → {appointment, previous, message}
 *   listAppointments(deps, agent, {from?, to?, callerPhone?})      → {appointments: [{id, start, end, name, phone}]}
 *   listBookings / cancelBooking / moveBooking (bookings.ts)      the business's bookings list and the owner's changes
 *
 * `start`/`newStart` are ISO 8601 with an offset (or wall-clock time in the agent's timezone);
 * `idempotencyKey` is `<Vapi call id>:<tool-call id>` (tool-call ids repeat across calls), so a
 * retried tool call books once and answers the same event. `callerPhone` (the number that
 * called) owns the booking: cancel and move only ever touch bookings made from `callerPhone` for
 * this agent; `phone` is a contact number and grants nothing (docs/decisions/0310).
 */

import * as appointments from "./appointments";
import * as availability from "./availability";
import * as booking from "./booking";
import * as bookings from "./bookings";
import { loadTemporal } from "./time";

export type { Appointment } from "./appointments";
export type { Availability } from "./availability";
export type { Booked, BookingInput } from "./booking";
export { type Failure, type FailureCode, failureError, type GoogleCallOptions, type GoogleDeps, type Result, type Slot } from "./results";

// Each entry point loads temporal-polyfill on its first call, not when the isolate starts
// (services/google/time.ts, docs/decisions/0900-startup-budget.md). Call these, not the modules.
function withTemporal<Args extends unknown[], T>(run: (...args: Args) => Promise<T>) {
  return async (...args: Args): Promise<T> => {
    await loadTemporal();
    return run(...args);
  };
}

export const listAppointments = withTemporal(appointments.listAppointments);
export const cancelAppointment = withTemporal(appointments.cancelAppointment);
export const moveAppointment = withTemporal(appointments.moveAppointment);
export const getAvailability = withTemporal(availability.getAvailability);
export const bookAppointment = withTemporal(booking.bookAppointment);
export const listBookings = bookings.listBookings;
export { listCalendarsFor } from "./calendars";
export const cancelBooking = withTemporal(bookings.cancelBooking);
export const moveBooking = withTemporal(bookings.moveBooking);
export { BOOKING_STATUSES, type BookingJson, type BookingStatus } from "./bookings";
