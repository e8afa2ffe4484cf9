/**
 * One booking tool call → one speakable outcome. Arguments are checked here (the model resolves
 * "next Tuesday at 3"; we check it is a real date-time) and a wrong one gets a correction the
 * agent can speak. Anything the calendar cannot do in time is the fallback, with an event.
 */
import { z } from "zod";
import type { CallEvent } from "../../db/schema";
import type { ToolCall } from "../../integrations/vapi/messages";
import type { Logger } from "../../lib/logger";
import { describeError } from "../../lib/logger";
import { withTimeout } from "../../lib/timeout";
import type { Agent } from "../agents/view";
import { describeService, meansAnyone } from "../google/schedule";
import { type BookingPort, BookingRefusal, CalendarUnavailable } from "./booking-port";
import { CALENDAR_FALLBACK, spokenTime, spokenTimes } from "./speech";
import type { CalendarState } from "./tool-context";

export type ToolOutcome = ({ result: string } | { error: string }) & { event?: CallEvent };

export interface ToolRun {
  agent: Agent;
  calendar: CalendarState;
  booking: BookingPort;
  callerPhone: string | null;
  vapiCallId: string;
  now: Date;
  timeoutMs: number;
  logger: Logger;
}

const MAX_SLOTS_SPOKEN = 8;
const dateTime = z.iso.datetime({ offset: true });
/** A service or staff member as the model names it; an empty string is "not said". */
const choice = z
  .string()
  .trim()
  .max(100)
  .transform((value) => value || undefined);
const schemas = {
  check_availability: z.object({ date: z.iso.date(), service: choice.optional(), staff: choice.optional() }),
  book_appointment: z.object({
    start: dateTime,
    service: choice.optional(),
    staff: choice.optional(),
    name: z.string().trim().min(1).max(200),
    phone: z.string().trim().max(40).optional(),
    email: z.string().trim().max(254).optional(),
    notes: z.string().trim().max(2000).optional(),
  }),
  cancel_appointment: z.object({ start: dateTime.optional() }),
  move_appointment: z.object({ to: dateTime, from: dateTime.optional() }),
} as const;
type ToolName = keyof typeof schemas;

const CORRECTIONS: Record<ToolName, string> = {
  check_availability: "I need the day as a date, for example 2030-05-14. Which day would you like?",
  book_appointment: "I need the exact start time and the caller's name to book. Could you confirm the time and your name?",
  cancel_appointment: "I couldn't tell which appointment to cancel. What day and time is it?",
  move_appointment: "I need the new day and time for the appointment. When would you like to move it to?",
};

/** A tool name is outside text: only our own keys count ("constructor" or "__proto__" is no tool). */
const isToolName = (name: string): name is ToolName => Object.hasOwn(schemas, name);

export async function runTool(run: ToolRun, call: ToolCall): Promise<ToolOutcome> {
  if (!isToolName(call.name)) return { error: "I can't do that on this call." };
  const parsed = schemas[call.name].safeParse(call.arguments);
  if (!parsed.success) return { result: CORRECTIONS[call.name] };
  const event = (kind: CallEvent["kind"], detail: string, start?: string): CallEvent => ({ at: run.now.toISOString(), kind, tool: call.name, detail, ...(start ? { start } : {}) });
  if (!run.agent.bookingEnabled) return { result: "I can't book appointments on this line, but I can take a message for the office." };
  if (run.calendar !== "ok") {
    const detail = run.calendar === "needs_reconnect" ? "Google Calendar needs reconnecting" : "Google Calendar is not connected";
    run.logger.warn("booking tool answered with the fallback", { tool: call.name, vapiCallId: run.vapiCallId, reason: detail });
    return { result: CALENDAR_FALLBACK, event: event("tool_failed", detail) };
  }
  const tz = run.agent.timezone;
  try {
    switch (call.name) {
      case "check_availability": {
        const { date, service, staff } = parsed.data as z.infer<typeof schemas.check_availability>;
        const offered = await withCalendarTimeout(run.booking.availability(run.agent, { date, service, staff }), run.timeoutMs);
        if (offered.closed) return { result: `${offered.closed}. Would one of those, or another day, work?` };
        const day = spokenTime(`${date}T12:00:00Z`, "UTC").replace(/ at .*/, "");
        const what = offered.service ? ` for ${describeService(offered.service)}` : "";
        const who = staff && !meansAnyone(staff) ? ` with ${staff}` : "";
        const { slots } = offered;
        if (!slots.length) return { result: `There are no free times${what}${who} on ${day}. Would another day work?` };
        const shown = slots.slice(0, MAX_SLOTS_SPOKEN).map((slot) => slot.start);
        const more = slots.length > shown.length ? `, and ${slots.length - shown.length} more later in the day` : "";
        return { result: `On ${day}${what}${who} I have ${spokenTimes(shown, tz)}${more}. Which time suits you?` };
      }
      case "book_appointment": {
        const args = parsed.data as z.infer<typeof schemas.book_appointment>;
        if (!args.phone && !run.callerPhone) return { result: "What phone number can the office reach you on?" };
        // The booking belongs to the number that called; a spoken number is only how to reach them.
        const booked = await withCalendarTimeout(
          run.booking.book(run.agent, { ...args, phone: args.phone || undefined, callerPhone: run.callerPhone, idempotencyKey: toolCallKey(run.vapiCallId, call.id), callId: run.vapiCallId }),
          run.timeoutMs,
        );
        const when = spokenTime(booked.start, tz);
        const what = [booked.service ? `for ${booked.service}` : null, booked.staff ? `with ${booked.staff}` : null].filter(Boolean).join(" ");
        return {
          result: `You're booked for ${when}${what ? ` ${what}` : ""}, under the name ${args.name}.`,
          event: event("booked", `Booked for ${args.name}${what ? ` ${what}` : ""}`, booked.start),
        };
      }
      case "cancel_appointment": {
        if (!run.callerPhone) return { result: "I can only change bookings made from the phone you're calling from, and I can't see your number. Please call from that phone." };
        const args = parsed.data as z.infer<typeof schemas.cancel_appointment>;
        const cancelled = await withCalendarTimeout(run.booking.cancel(run.agent, { callerPhone: run.callerPhone, start: args.start }), run.timeoutMs);
        return { result: `Your appointment on ${spokenTime(cancelled.start, tz)} is cancelled.`, event: event("cancelled", "Cancelled by the caller", cancelled.start) };
      }
      default: {
        if (!run.callerPhone) return { result: "I can only change bookings made from the phone you're calling from, and I can't see your number. Please call from that phone." };
        const args = parsed.data as z.infer<typeof schemas.move_appointment>;
        const moved = await withCalendarTimeout(
          run.booking.move(run.agent, { callerPhone: run.callerPhone, from: args.from, to: args.to, idempotencyKey: toolCallKey(run.vapiCallId, call.id) }),
          run.timeoutMs,
        );
        return {
          result: `Done: your appointment on ${spokenTime(moved.from.start, tz)} is now on ${spokenTime(moved.to.start, tz)}.`,
          event: event("moved", `Moved from ${moved.from.start}`, moved.to.start),
        };
      }
    }
  } catch (error) {
    if (error instanceof BookingRefusal) return { result: error.spoken };
    const reason =
      error instanceof CalendarTimeout ? "Google Calendar did not answer in time" : error instanceof CalendarUnavailable ? error.message : "Google Calendar failed";
    run.logger.warn("booking tool answered with the fallback", { tool: call.name, vapiCallId: run.vapiCallId, reason, ...describeError(error) });
    return { result: CALENDAR_FALLBACK, event: event("tool_failed", reason) };
  }
}

/** Tool-call ids are only unique within a call (two calls may both send `call_0`): key by both. */
export const toolCallKey = (vapiCallId: string, toolCallId: string) => `${vapiCallId}:${toolCallId}`;

class CalendarTimeout extends Error {
  override name = "CalendarTimeout";
}

const withCalendarTimeout = <T>(work: Promise<T>, ms: number) => withTimeout(work, ms, (limit) => new CalendarTimeout(`no answer within ${limit} ms`));
