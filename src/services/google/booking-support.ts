/**
 * What booking, cancelling and moving share: the private extended properties that mark our
 * events, the event id derived from a hold, phone normalisation, and the corrections a caller
 * hears when a time does not work.
 */
import { listEvents } from "../../integrations/google/calendar";
import type { Agent } from "../agents/view";
import type { GoogleAccess } from "./connection";
import { type Failure, fail } from "./results";
import { type Interval, type StartCheck, slotJson } from "./slots";
import { spokenMoment } from "./time";

/** Keys of `extendedProperties.private` on the events we create (searchable with privateExtendedProperty). */
export const PROPERTY = {
  agent: "agentlineAgentId",
  booking: "agentlineBookingId",
  /** The number the booking belongs to (the number that called): cancel and move find bookings by it. */
  phone: "agentlinePhone",
  /** A number the caller gave to be reached on; contact data only. */
  contactPhone: "agentlineContactPhone",
  name: "agentlineName",
  call: "agentlineCallId",
  /** The staff member and service the booking is for (ids from the agent's booking settings). */
  staff: "agentlineStaffId",
  service: "agentlineServiceId",
} as const;

/** Google event ids are base32hex (a–v, 0–9): a UUID without dashes is one. */
export const eventIdOf = (holdId: string) => `al${holdId.replace(/-/g, "").toLowerCase()}`;

/** "+1 (415) 555-0123" → "+14155550123"; null when there are not enough digits to be a number. */
export function normalizePhone(value: string | null | undefined): string | null {
  if (!value) return null;
  const digits = value.replace(/[^\d]/g, "");
  if (digits.length < 7 || digits.length > 15) return null;
  return `${value.trim().startsWith("+") ? "+" : ""}${digits}`;
}

export function correction(check: Extract<StartCheck, { ok: false }>, next: Interval | undefined, timeZone: string, now: Date): Failure {
  const tail = next ? `; the next opening is ${spokenMoment(next.start, timeZone, now)}.` : "; I don't see any openings in the next two weeks.";
  return fail("invalid_time", `${check.message}${tail}`, { reason: check.problem, ...(next ? { nextOpening: slotJson(next) } : {}) });
}

export function spokenSlotTaken(next: Interval | undefined, timeZone: string, now: Date): Failure {
  const tail = next ? ` The next opening is ${spokenMoment(next.start, timeZone, now)}.` : "";
  return fail("slot_taken", `I'm sorry, that time was just taken.${tail}`, next ? { nextOpening: slotJson(next) } : {});
}

/** Whether any event other than `ownEventId` blocks time in [from, to) on the calendar. */
export async function busyExcept(access: GoogleAccess, calendarId: string, from: Date, to: Date, ownEventId: string): Promise<boolean> {
  const events = await listEvents(access, calendarId, { from, to, maxResults: 50 });
  return events.some((event) => event.id !== ownEventId && event.status !== "cancelled" && event.transparency !== "transparent");
}

/**
 * Where a hold lives: the agent that books, and the calendar (of its owner) whose time it takes:
 * `calendarId` as Google is asked for it, `calendarKey` as the no-overlap rule compares it.
 */
export interface HoldPlace {
  agentId: string;
  businessId: string;
  calendarId: string;
  calendarKey: string;
}

/**
 * The calendar as the no-overlap rule compares it (ADR 0310): `primary` is the connected
 * account's own calendar, whose Google id is the account's address, and an address is compared
 * without case. So two agents of one owner, one on `primary` and one on the owner's address,
 * share one rule instead of double-booking one calendar under two names.
 */
export function holdPlace(agent: Pick<Agent, "id" | "businessId">, access: GoogleAccess, calendarId: string): HoldPlace {
  const id = calendarId === "primary" ? (access.connection.googleEmail ?? calendarId) : calendarId;
  return { agentId: agent.id, businessId: agent.businessId, calendarId, calendarKey: id.includes("@") ? id.toLowerCase() : id };
}
