/**
 * `POST /api/try` (docs/architecture.md §12 wave 3): the owner types to their receptionist as a
 * caller would. The same system prompt and tools as the phone assistant (services/assistant),
 * through OpenRouter's chat completions with tool calling; the tools run through the same
 * handlers as a call's (services/calls/tool-handlers.ts). Availability is read from the real
 * calendar; a booking, move or cancellation made here is a test: it is answered as the tool
 * would answer, marked `test: true`, and never written to the calendar (ADR 0713). Free for the
 * owner, so limited per business per day.
 */
import { eq } from "drizzle-orm";
import type { Config } from "../../config/env";
import type { Database } from "../../db/client";
import { googleConnections } from "../../db/schema";
import type { FunctionToolSpec, ModelToolCall, OpenRouterClient, ToolChatMessage } from "../../integrations/openrouter/client";
import type { Logger } from "../../lib/logger";
import { getAgent } from "../agents";
import { buildSystemPrompt } from "../assistant/system-prompt";
import { buildTools } from "../assistant/tools";
import { enforce } from "../rate-limit";
import { type BookingPort, BookingRefusal } from "./booking-port";
import type { CalendarState } from "./tool-context";
import { runTool } from "./tool-handlers";

/** Model turns per message: a check, a booking and the answer, with room to spare. */
const MAX_ROUNDS = 4;
const TRY_CALENDAR_TIMEOUT_MS = 8_000;
/** Writes that a test chat only pretends to make. */
const TEST_ONLY = new Set(["book_appointment", "cancel_appointment", "move_appointment"]);

export interface TryDeps {
  db: Database;
  config: Config;
  logger: Logger;
  openrouter: () => OpenRouterClient;
  booking: BookingPort;
  now?: () => Date;
}

export interface TryInput {
  agentId: string;
  messages: { role: "user" | "assistant"; content: string }[];
}

export interface TriedToolCall {
  name: string;
  arguments: Record<string, unknown>;
  result: string;
  /** A booking, move or cancellation: answered, but nothing was written to the calendar. */
  test: boolean;
}

export async function tryReceptionist(deps: TryDeps, businessId: string, input: TryInput): Promise<{ reply: string; toolCalls: TriedToolCall[] }> {
  await enforce(deps.db, { key: `try:business:${businessId}`, limit: deps.config.TRY_MESSAGES_PER_DAY, windowSeconds: 86_400 });
  const agent = await getAgent(deps.db, businessId, input.agentId);
  const [connection] = await deps.db.select({ status: googleConnections.status }).from(googleConnections).where(eq(googleConnections.businessId, businessId)).limit(1);
  const calendar: CalendarState = !connection ? "not_connected" : connection.status === "ok" ? "ok" : "needs_reconnect";
  const now = deps.now?.() ?? new Date();
  const system = renderNow(buildSystemPrompt(agent), agent.timezone, now);
  const tools = functionTools(agent);
  const conversation: ToolChatMessage[] = [{ role: "system", content: system }, ...input.messages];
  const tried: TriedToolCall[] = [];
  const booking = testBooking(deps.booking, agent.appointmentMinutes);
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const turn = await deps.openrouter().turn({ messages: conversation, tools, temperature: 0.3, maxTokens: 400 });
    if (!turn.toolCalls.length) return { reply: turn.content.trim(), toolCalls: tried };
    conversation.push({ role: "assistant", content: turn.content || null, tool_calls: turn.toolCalls });
    for (const call of turn.toolCalls) {
      const args = parseArguments(call);
      const outcome = await runTool(
        // A test booking writes nothing, so it needs no calendar; availability asks the real one.
        { agent, calendar: TEST_ONLY.has(call.function.name) ? "ok" : calendar, booking, callerPhone: null, vapiCallId: `try:${businessId}`, now, timeoutMs: TRY_CALENDAR_TIMEOUT_MS, logger: deps.logger },
        { id: call.id, name: call.function.name, arguments: args },
      );
      const result = "error" in outcome ? outcome.error : outcome.result;
      tried.push({ name: call.function.name, arguments: args, result, test: TEST_ONLY.has(call.function.name) });
      conversation.push({ role: "tool", tool_call_id: call.id, content: result });
    }
  }
  return { reply: "Sorry, I got stuck there. Could you say that again?", toolCalls: tried };
}

/** The assistant's function tools in OpenAI's format (Vapi's built-in endCall and transferCall have no meaning in a typed chat). */
function functionTools(agent: Parameters<typeof buildTools>[0]): FunctionToolSpec[] {
  return buildTools(agent).flatMap((tool) =>
    tool.type === "function" && tool.function ? [{ type: "function" as const, function: { name: tool.function.name, description: tool.function.description, parameters: { ...tool.function.parameters } } }] : [],
  );
}

function parseArguments(call: ModelToolCall): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(call.function.arguments || "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * Vapi renders the prompt's `{{"now" | date: "<strftime>", "<zone>"}}` on every call; a typed chat
 * has no Vapi, so the same two formats are rendered here.
 */
export function renderNow(prompt: string, timeZone: string, now: Date): string {
  return prompt.replace(/\{\{"now" \| date: "([^"]*)", "([^"]*)"\}\}/g, (_, format: string, zone: string) => strftime(format, zone || timeZone, now));
}

function strftime(format: string, timeZone: string, at: Date): string {
  const part = (options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat("en-US", { timeZone, ...options }).format(at);
  const tokens = new Map<string, () => string>([
    ["%A", () => part({ weekday: "long" })],
    ["%B", () => part({ month: "long" })],
    ["%-d", () => part({ day: "numeric" })],
    ["%Y", () => part({ year: "numeric" })],
    ["%-I", () => part({ hour: "numeric", hour12: true }).replace(/\s?[AP]M$/, "")],
    ["%M", () => part({ minute: "2-digit" }).padStart(2, "0")],
    ["%p", () => (part({ hour: "numeric", hour12: true }).endsWith("PM") ? "PM" : "AM")],
  ]);
  return format.replace(/%-?[A-Za-z]/g, (token) => tokens.get(token)?.() ?? token);
}

/** Availability from the real calendar; bookings, moves and cancellations answered as tests, never written. */
function testBooking(real: BookingPort, minutes: number): BookingPort {
  return {
    availability: (agent, input) => real.availability(agent, input),
    book: async (_agent, input) => ({ start: input.start, end: new Date(Date.parse(input.start) + minutes * 60_000).toISOString(), eventId: "test" }),
    cancel: () => Promise.reject(new BookingRefusal("This is a test chat, so there is no real booking to cancel. On a call, I would cancel the caller's own booking.")),
    move: () => Promise.reject(new BookingRefusal("This is a test chat, so there is no real booking to move. On a call, I would move the caller's own booking.")),
  };
}
