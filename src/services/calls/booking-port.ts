/**
 * What the booking tools need from the calendar, as a small interface: the Google services
 * (src/services/google, through services/google/voice-booking.ts) implement it; tests and a server
 * without Google use others.
 * A `BookingRefusal` is an answer the agent can speak ("that time is taken", "I can't find a
 * booking from this number"); any other error is an outage and gets the spoken fallback.
 */
import type { Agent } from "../agents/view";
import type { Slot } from "../google/results";

export interface BookInput {
  start: string;
  name: string;
  /** The number that called: the booking is theirs, the only number that may cancel or move it; null when withheld. */
  callerPhone: string | null;
  /** A number the caller gave to be reached on: contact data only, it grants nothing. */
  phone?: string;
  email?: string;
  notes?: string;
  /** `<Vapi call id>:<tool-call id>`: a retried tool call books once, another call's same tool-call id never meets it. */
  idempotencyKey: string;
  callId?: string;
  /** The service asked for, by name (matched forgivingly); the agent's one kind when it has no services. */
  service?: string;
  /** The staff member asked for, by name; absent or "anyone" books the first one free. */
  staff?: string;
}

/** The free times of one day, for one service, as the tools speak them. */
export interface OfferedTimes {
  slots: Slot[];
  /** The service the times are for, when the agent has services: its length and price are said. */
  service?: { name: string; minutes: number; priceCents?: number | undefined } | undefined;
  /** Set when the day is closed: a sentence to say as is (the reason, and the next day with openings). */
  closed?: string | undefined;
}

export interface BookingPort {
  availability(agent: Agent, input: { date: string; service?: string | undefined; staff?: string | undefined }): Promise<OfferedTimes>;
  book(agent: Agent, input: BookInput): Promise<Slot & { eventId: string; service?: string | null; staff?: string | null }>;
  /** Cancels the caller's own booking (at `start`, or their next one). */
  cancel(agent: Agent, input: { callerPhone: string; start?: string }): Promise<Slot>;
  /** Moves the caller's own booking (at `from`, or their next one) to `to`. */
  move(agent: Agent, input: { callerPhone: string; from?: string; to: string; idempotencyKey: string }): Promise<{ from: Slot; to: Slot }>;
}

/** An answer the caller should hear, not an outage. */
export class BookingRefusal extends Error {
  override name = "BookingRefusal";
  constructor(readonly spoken: string) {
    super(spoken);
  }
}

/** The calendar cannot answer (not connected, needs reconnecting, failing); `message` says why, for the call's record. */
export class CalendarUnavailable extends Error {
  override name = "CalendarUnavailable";
}

/** A calendar that cannot be reached (no Google services on this server yet). */
export const unavailableBooking: BookingPort = {
  availability: () => Promise.reject(new Error("no calendar service is configured")),
  book: () => Promise.reject(new Error("no calendar service is configured")),
  cancel: () => Promise.reject(new Error("no calendar service is configured")),
  move: () => Promise.reject(new Error("no calendar service is configured")),
};
