/**
 * The Google services as the voice tools' BookingPort (services/calls/booking-port.ts): a
 * failure the caller should hear (a correction, slot taken, no such booking) becomes a
 * BookingRefusal with our spoken sentence; not connected or Google failing is an outage, which
 * the tools answer with their spoken fallback.
 */
import type { GoogleFailureKind } from "../../integrations/google/errors";
import type { BookingPort } from "../calls/booking-port";
import { BookingRefusal, CalendarUnavailable } from "../calls/booking-port";
import { bookAppointment, cancelAppointment, getAvailability, moveAppointment } from ".";
import type { GoogleCallOptions, GoogleDeps, Result } from "./results";

/** Under the tools' own 8 s race, so our deadline fires first and gives holds back cleanly. */
export const VOICE_TIMEOUT_MS = 7_000;

export class CalendarOutage extends CalendarUnavailable {
  override name = "CalendarOutage";
}

/** What the call's record says when Google failed, by how it failed. */
const OUTAGE_DETAIL: Partial<Record<GoogleFailureKind, string>> = {
  rate_limited: "Google Calendar is rate-limiting our requests (429); the connection is fine",
  timeout: "Google Calendar did not answer in time",
  unauthorized: "Google Calendar refused our access (401/403)",
};

function settle<T>(result: Result<T>): T {
  if (result.ok) return result;
  if (result.code === "google_not_connected") {
    throw new CalendarOutage(result.connection === "needs_reconnect" ? "Google Calendar needs reconnecting" : "Google Calendar is not connected");
  }
  if (result.code === "google_unavailable") throw new CalendarOutage(OUTAGE_DETAIL[result.googleFailure ?? "unavailable"] ?? "Google Calendar failed");
  throw new BookingRefusal(result.message);
}

/** What else happens when the receptionist books: the caller's confirmation text (services/texts). */
export interface BookingHooks {
  onBooked?: (agent: Parameters<BookingPort["book"]>[0], googleEventId: string) => Promise<void>;
}

export function googleBooking(deps: GoogleDeps, options: GoogleCallOptions = { timeoutMs: VOICE_TIMEOUT_MS }, hooks: BookingHooks = {}): BookingPort {
  const slot = (s: { start: string; end: string }) => ({ start: s.start, end: s.end });
  return {
    availability: async (agent, input) => {
      const found = settle(await getAvailability(deps, agent, input, options));
      return {
        slots: found.slots.map(slot),
        service: found.service.id ? found.service : undefined,
        closed: found.closed ? found.summary : undefined,
      };
    },
    book: async (agent, input) => {
      const { event } = settle(await bookAppointment(deps, agent, input, options));
      await hooks.onBooked?.(agent, event.id);
      return { ...slot(event), eventId: event.id, service: event.service, staff: event.staff?.name ?? null };
    },
    cancel: async (agent, input) => slot(settle(await cancelAppointment(deps, agent, input, options)).cancelled),
    move: async (agent, input) => {
      const moved = settle(await moveAppointment(deps, agent, { callerPhone: input.callerPhone, from: input.from, newStart: input.to }, options));
      return { from: slot(moved.previous), to: slot(moved.appointment) };
    },
  };
}

