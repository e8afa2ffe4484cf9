/**
 * `tool-calls`: answers `{results: [{name, toolCallId, result | error}]}` in call order, always
 * (the route answers 200 whatever happens). Each call is answered on its own: one whose name or
 * arguments could not be read gets an `error` result for its toolCallId, the others their results. Each result is one speakable line. Booking tools
 * are idempotent by toolCallId (a retried call gets the first answer, from `webhook_events`);
 * every calendar call has a deadline well inside Vapi's 20 s, and a calendar that is missing,
 * needs reconnecting, fails or is slow gives the spoken fallback, logged and shown on the call.
 */
import { sql } from "drizzle-orm";
import type { CallEvent } from "../../db/schema";
import type { ToolCall, ToolCallsMessage } from "../../integrations/vapi/messages";
import { describeError } from "../../lib/logger";
import type { Agent } from "../agents/view";
import { type BookingPort, unavailableBooking } from "./booking-port";
import { claimEvent, completeEvent, releaseEvent } from "./claims";
import type { CallDeps } from "./deps";
import { CALENDAR_FALLBACK, speakable } from "./speech";
import { loadToolContext, type ToolContext } from "./tool-context";
import { runTool, type ToolOutcome } from "./tool-handlers";

/** Vapi waits 20 s (server.timeoutSeconds) for the whole answer; leave room for several calls. */
export const CALENDAR_TIMEOUT_MS = 8_000;
/** After this long, later tool calls in the same message are not started. */
const ANSWER_BUDGET_MS = 11_000;
/** Tools whose effect must happen once per toolCallId. */
const ONCE_PER_CALL = new Set(["book_appointment", "cancel_appointment", "move_appointment"]);
/** Said back to the model for a call we could not read, so it asks again rather than guessing. */
const UNREADABLE_CALL = "I couldn't read that request's details. Please ask again with the details spelled out.";
/** Longer than any calendar call can take: an older pending claim belongs to a worker that died. */
const TOOL_CLAIM_TTL_SECONDS = 60;

export interface ToolDeps extends CallDeps {
  booking?: BookingPort;
  now?: () => Date;
  calendarTimeoutMs?: number;
}

export type ToolResult = { name: string; toolCallId: string; result: string } | { name: string; toolCallId: string; error: string };

export async function answerToolCalls(deps: ToolDeps, message: ToolCallsMessage): Promise<{ results: ToolResult[] }> {
  const context = await loadToolContext(deps.db, message);
  if (context.mismatch) {
    // Someone else's assistant or number on a call we know: answer nothing from any calendar.
    deps.logger.warn("tool call does not match its call's agent; refused", { vapiCallId: message.call.id, mismatch: context.mismatch });
  }
  const events: CallEvent[] = [];
  const results: ToolResult[] = [];
  const started = Date.now();
  for (const call of message.toolCallList) {
    if (call.unreadable) {
      // The model's own mistake, not a fault of ours: warn, and let the model try again.
      deps.logger.warn("tool call unreadable; answered with an error for that call", { tool: call.name, toolCallId: call.id, vapiCallId: message.call.id, reason: call.unreadable });
      results.push({ name: call.name, toolCallId: call.id, error: UNREADABLE_CALL });
      continue;
    }
    // Calls run in order (a booking may follow a check); once the answer's budget is spent, the
    // rest get the fallback rather than making Vapi's whole answer late.
    const outcome =
      Date.now() - started > ANSWER_BUDGET_MS
        ? { result: CALENDAR_FALLBACK, event: { at: new Date().toISOString(), kind: "tool_failed" as const, tool: call.name, detail: "no time left to ask the calendar" } }
        : await answerOne(deps, context, call, message);
    if (outcome.event) events.push(outcome.event);
    results.push("error" in outcome ? { name: call.name, toolCallId: call.id, error: speakable(outcome.error) } : { name: call.name, toolCallId: call.id, result: speakable(outcome.result) });
  }
  if (events.length) {
    await deps.db
      .execute(sql`update calls set events = events || ${JSON.stringify(events)}::jsonb, updated_at = now() where vapi_call_id = ${message.call.id}`)
      .catch((error) => deps.logger.error("could not record tool events on the call", { vapiCallId: message.call.id, ...describeError(error) }));
  }
  return { results };
}

async function answerOne(deps: ToolDeps, context: ToolContext, call: ToolCall, message: ToolCallsMessage): Promise<ToolOutcome> {
  const now = deps.now?.() ?? new Date();
  if (!context.agent) return { error: "This line is not set up to do that. Please call back later." };
  const once = ONCE_PER_CALL.has(call.name);
  if (once) {
    const prior = await claimToolCall(deps, toolEventId(message.call.id, call.id));
    if (prior) return prior;
  }
  let outcome: ToolOutcome;
  try {
    outcome = await runTool(
      {
        agent: context.agent as Agent,
        calendar: context.calendar,
        booking: deps.booking ?? unavailableBooking,
        callerPhone: context.callerPhone,
        vapiCallId: message.call.id,
        now,
        timeoutMs: deps.calendarTimeoutMs ?? CALENDAR_TIMEOUT_MS,
        logger: deps.logger,
      },
      call,
    );
  } catch (error) {
    deps.logger.error("tool call failed", { tool: call.name, vapiCallId: message.call.id, ...describeError(error) });
    outcome = { result: CALENDAR_FALLBACK, event: { at: now.toISOString(), kind: "tool_failed", tool: call.name, detail: "internal error" } };
  }
  if (once) await finishToolCall(deps, toolEventId(message.call.id, call.id), outcome);
  return outcome;
}

/** Tool calls are claimed per Vapi call, so an id can never reach another call's answer. */
const toolEventId = (vapiCallId: string, toolCallId: string) => `${vapiCallId}:${toolCallId}`;

/** The first answer to this toolCallId, or null when this delivery is the one to act. */
async function claimToolCall(deps: ToolDeps, eventId: string): Promise<ToolOutcome | null> {
  const claim = await claimEvent(deps.db, "vapi-tool", eventId, TOOL_CLAIM_TTL_SECONDS);
  if (claim.claimed) return null;
  if (!claim.outcome) return { result: "I'm still working on that request; it will be done in a moment." };
  const stored = JSON.parse(claim.outcome) as ToolOutcome;
  // The event was recorded the first time: don't record it twice.
  return "error" in stored ? { error: stored.error } : { result: stored.result };
}

async function finishToolCall(deps: ToolDeps, eventId: string, outcome: ToolOutcome) {
  // An outage is not an answer to keep: let a retry try the calendar again.
  if (outcome.event?.kind === "tool_failed") return releaseEvent(deps.db, "vapi-tool", eventId);
  const stored = "error" in outcome ? { error: outcome.error } : { result: outcome.result };
  await completeEvent(deps.db, "vapi-tool", eventId, JSON.stringify(stored));
}
