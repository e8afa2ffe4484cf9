import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls, googleConnections } from "../../../src/db/schema";
import { type ToolCallsMessage, toolCallsSchema } from "../../../src/integrations/vapi/messages";
import type { Agent } from "../../../src/services/agents/view";
import { type BookingPort, BookingRefusal } from "../../../src/services/calls/booking-port";
import { answerToolCalls, type ToolDeps } from "../../../src/services/calls/tool-calls";
import { createServices } from "../../../src/services/create-services";
import type { Slot } from "../../../src/services/google/results";
import { recordingLogger } from "../../support/agents";
import { db } from "../../support/db";
import { testEnv } from "../../support/env";
import { createLine, deliver, type Line, vapiMessage } from "../../support/vapi-webhook";

/** A calendar in memory that behaves as the Google services promise to. */
function fakeCalendar() {
  const bookings: { start: string; end: string; owner: string | null; phone?: string; name: string; key: string; eventId: string }[] = [];
  let failing: Error | null = null;
  let hanging = false;
  const calls = { book: 0, availability: 0 };
  const guard = async () => {
    if (hanging) await new Promise(() => undefined);
    if (failing) throw failing;
  };
  const end = (start: string) => new Date(Date.parse(start) + 30 * 60_000).toISOString();
  const port: BookingPort = {
    async availability(_agent: Agent, { date }) {
      await guard();
      calls.availability += 1;
      const slots: Slot[] = ["14:00", "14:30", "15:30"].map((t) => ({ start: `${date}T${t}:00.000Z`, end: end(`${date}T${t}:00.000Z`) }));
      return { slots: slots.filter((slot) => !bookings.some((b) => b.start === slot.start)) };
    },
    async book(_agent, input) {
      await guard();
      calls.book += 1;
      const prior = bookings.find((b) => b.key === input.idempotencyKey);
      if (prior) return { start: prior.start, end: prior.end, eventId: prior.eventId };
      const start = new Date(input.start).toISOString();
      if (bookings.some((b) => b.start === start)) throw new BookingRefusal("That time was just taken. Would 3:30 PM work instead?");
      const booking = { start, end: end(start), owner: input.callerPhone, phone: input.phone, name: input.name, key: input.idempotencyKey, eventId: `evt_${bookings.length + 1}` };
      bookings.push(booking);
      return { start, end: booking.end, eventId: booking.eventId };
    },
    async cancel(_agent, { callerPhone, start }) {
      await guard();
      const index = bookings.findIndex((b) => b.owner === callerPhone && (!start || b.start === new Date(start).toISOString()));
      if (index < 0) throw new BookingRefusal("I can't find a booking made from the number you're calling from.");
      const [removed] = bookings.splice(index, 1);
      return { start: removed?.start ?? "", end: removed?.end ?? "" };
    },
    async move(_agent, { callerPhone, to }) {
      await guard();
      const booking = bookings.find((b) => b.owner === callerPhone);
      if (!booking) throw new BookingRefusal("I can't find a booking made from the number you're calling from.");
      const from = { start: booking.start, end: booking.end };
      booking.start = new Date(to).toISOString();
      booking.end = end(booking.start);
      return { from, to: { start: booking.start, end: booking.end } };
    },
  };
  return {
    port,
    bookings,
    calls,
    fail: (error: Error | null) => {
      failing = error;
    },
    hang: () => {
      hanging = true;
    },
  };
}

function toolMessage(line: Line, toolCalls: { id?: string; name: string; arguments: unknown }[]): ToolCallsMessage {
  const body = vapiMessage("tool-calls", line);
  body.message.toolCallList = toolCalls.map((call, index) => ({
    id: call.id ?? `call_${index}_${crypto.randomUUID().slice(0, 8)}`,
    type: "function",
    function: { name: call.name, arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments) },
  }));
  return toolCallsSchema.parse(body.message);
}

async function setUp(options: { google?: "ok" | "needs_reconnect" | null; customer?: string } = {}) {
  const created = await createLine({ bookingEnabled: true, timezone: "America/Chicago" });
  if (options.google !== null) await db.insert(googleConnections).values({ businessId: created.owner.user.id, status: options.google ?? "ok" });
  const line = { ...created.line, customer: options.customer };
  await deliver(vapiMessage("assistant-request", line));
  const calendar = fakeCalendar();
  const logger = recordingLogger();
  const services = createServices(testEnv, { logger });
  const deps: ToolDeps = { ...services, logger, booking: calendar.port, calendarTimeoutMs: 200 };
  return { ...created, line, calendar, logger, deps };
}

const eventsOf = async (vapiCallId: string) => (await db.select().from(calls).where(eq(calls.vapiCallId, vapiCallId)))[0]?.events ?? [];

describe("tool-calls: answers", () => {
  it("answers every call in order with its toolCallId, as single speakable lines in the agent's timezone", async () => {
    const { line, deps } = await setUp();
    const message = toolMessage(line, [
      { id: "call_a", name: "check_availability", arguments: { date: "2030-05-14" } },
      { id: "call_b", name: "check_availability", arguments: "{\"date\": \"tuesday\"}" },
      { id: "call_c", name: "send_fax", arguments: {} },
    ]);
    const { results } = await answerToolCalls(deps, message);
    expect(results).toEqual([
      { name: "check_availability", toolCallId: "call_a", result: "On Tuesday, May 14 I have 9:00 AM, 9:30 AM and 10:30 AM. Which time suits you?" },
      { name: "check_availability", toolCallId: "call_b", result: expect.stringMatching(/date/) },
      { name: "send_fax", toolCallId: "call_c", error: expect.any(String) },
    ]);
    for (const result of results) expect(JSON.stringify(result)).not.toMatch(/\\n/);
  });

  it("books once when the same toolCallId is retried, and shows the booking on the call", async () => {
    const { line, deps, calendar } = await setUp();
    const book = { id: `call_book_${crypto.randomUUID()}`, name: "book_appointment", arguments: { start: "2030-05-14T09:00:00-05:00", name: "Jordan Lee" } };
    const first = await answerToolCalls(deps, toolMessage(line, [book]));
    const retries = await Promise.all([1, 2, 3].map(() => answerToolCalls(deps, toolMessage(line, [book]))));
    expect(first.results[0]).toMatchObject({ result: "You're booked for Tuesday, May 14 at 9:00 AM, under the name Jordan Lee." });
    for (const retry of retries) expect(retry.results[0]).toEqual(first.results[0]);
    expect(calendar.bookings).toHaveLength(1);
    expect(calendar.calls.book).toBe(1);
    expect(calendar.bookings[0]).toMatchObject({ owner: "+15125550147", name: "Jordan Lee" });
    expect((await eventsOf(line.vapiCallId)).map((e) => e.kind)).toEqual(["booked"]);
  });

  it("a slot taken by someone else is a correction the agent can speak, not a failure", async () => {
    const { line, newCall, deps, calendar } = await setUp();
    await answerToolCalls(deps, toolMessage(line, [{ name: "book_appointment", arguments: { start: "2030-05-14T09:00:00-05:00", name: "A" } }]));
    const other = { ...newCall(), customer: "+15125550999" };
    const { results } = await answerToolCalls(deps, toolMessage(other, [{ name: "book_appointment", arguments: { start: "2030-05-14T09:00:00-05:00", name: "B" } }]));
    expect(results[0]).toMatchObject({ result: "That time was just taken. Would 3:30 PM work instead?" });
    expect(calendar.bookings).toHaveLength(1);
  });

  it("a caller cannot cancel or move someone else's booking", async () => {
    const { line, newCall, deps, calendar } = await setUp();
    await answerToolCalls(deps, toolMessage(line, [{ name: "book_appointment", arguments: { start: "2030-05-14T09:00:00-05:00", name: "Jordan" } }]));
    const stranger = { ...newCall(), customer: "+15125550999" };
    await deliver(vapiMessage("assistant-request", stranger));
    const cancel = await answerToolCalls(deps, toolMessage(stranger, [{ name: "cancel_appointment", arguments: { start: "2030-05-14T09:00:00-05:00" } }]));
    const move = await answerToolCalls(deps, toolMessage(stranger, [{ name: "move_appointment", arguments: { to: "2030-05-14T10:30:00-05:00" } }]));
    expect(cancel.results[0]).toMatchObject({ result: expect.stringMatching(/can't find a booking/) });
    expect(move.results[0]).toMatchObject({ result: expect.stringMatching(/can't find a booking/) });
    expect(calendar.bookings).toHaveLength(1);
    expect(calendar.bookings[0]?.start).toBe("2030-05-14T14:00:00.000Z");
    // The owner of the booking can.
    const own = await answerToolCalls(deps, toolMessage(line, [{ name: "cancel_appointment", arguments: {} }]));
    expect(own.results[0]).toMatchObject({ result: "Your appointment on Tuesday, May 14 at 9:00 AM is cancelled." });
    expect(calendar.bookings).toHaveLength(0);
  });

  it("an anonymous caller cannot change bookings", async () => {
    const { line, deps } = await setUp();
    const anonymous = toolMessage(line, [{ name: "cancel_appointment", arguments: {} }]);
    anonymous.call.customer = undefined;
    anonymous.customer = undefined;
    expect((await answerToolCalls(deps, anonymous)).results[0]).toMatchObject({ result: expect.stringMatching(/calling from/) });
  });
});

describe("tool-calls: whose call it is (issue 18 items 7, 8)", () => {
  const spoken = (result: unknown) => JSON.stringify(result);

  it("a call on A's number carrying B's assistant id is refused in a speakable line, logged, and never reads a calendar", async () => {
    const a = await setUp();
    const b = await setUp();
    const check = [{ name: "check_availability", arguments: { date: "2030-05-14" } }];
    // The call A's number opened at assistant-request, now claiming B's assistant.
    const known = await answerToolCalls(a.deps, toolMessage({ ...a.line, vapiAssistantId: b.line.vapiAssistantId }, check));
    // A call we never opened, on A's number with B's assistant.
    const unknown = await answerToolCalls(a.deps, toolMessage({ ...a.newCall(), vapiAssistantId: b.line.vapiAssistantId }, check));
    // A's call and assistant, but B's number.
    const number = await answerToolCalls(a.deps, toolMessage({ ...a.line, vapiPhoneNumberId: b.line.vapiPhoneNumberId }, check));
    for (const answer of [known, unknown, number]) {
      expect(answer.results).toHaveLength(1);
      expect(spoken(answer.results[0])).not.toMatch(/\d:\d\d [AP]M/);
      expect(spoken(answer.results[0])).not.toMatch(/\\n/);
    }
    expect(a.calendar.calls.availability).toBe(0);
    expect(a.logger.entries.filter((e) => e.level === "warn" && e.msg === "tool call does not match its call's agent; refused").map((e) => e.fields?.mismatch)).toEqual([
      "assistant",
      "assistant",
      "phone_number",
    ]);
    // The call's own assistant on its own number still answers.
    const own = await answerToolCalls(a.deps, toolMessage(a.line, check));
    expect(own.results[0]).toMatchObject({ result: expect.stringMatching(/9:00 AM/) });
  });

  it("a booking belongs to the number that called, as recorded when the call was answered; a spoken number is contact data", async () => {
    const { line, newCall, deps, calendar } = await setUp();
    const victim = "+15125550999";
    // The caller (+15125550147) gives someone else's number; a later message even claims it as the caller.
    const message = toolMessage(line, [{ name: "book_appointment", arguments: { start: "2030-05-14T09:00:00-05:00", name: "Jordan", phone: victim } }]);
    message.call.customer = { number: victim, name: undefined };
    message.customer = { number: victim, name: undefined };
    await answerToolCalls(deps, message);
    expect(calendar.bookings).toEqual([expect.objectContaining({ owner: "+15125550147", phone: victim })]);
    // The person whose number was given cannot cancel it; the caller can.
    const other = { ...newCall(), customer: victim };
    await deliver(vapiMessage("assistant-request", other));
    const cancel = await answerToolCalls(deps, toolMessage(other, [{ name: "cancel_appointment", arguments: {} }]));
    expect(cancel.results[0]).toMatchObject({ result: expect.stringMatching(/can't find a booking/) });
    expect(calendar.bookings).toHaveLength(1);
  });
});

describe("tool-calls: the calendar is unavailable", () => {
  it("a Google outage gives the spoken fallback, logged and shown on the call, and a retry tries again", async () => {
    const { line, deps, calendar, logger } = await setUp();
    calendar.fail(new Error("googleapis: 503 backendError"));
    const book = { id: `call_out_${crypto.randomUUID()}`, name: "book_appointment", arguments: { start: "2030-05-14T09:00:00-05:00", name: "Jordan" } };
    const { results } = await answerToolCalls(deps, toolMessage(line, [book, { name: "check_availability", arguments: { date: "2030-05-14" } }]));
    expect(results.map((r) => ("result" in r ? r.result : r.error))).toEqual([expect.stringMatching(/can't reach the calendar/), expect.stringMatching(/can't reach the calendar/)]);
    expect((await eventsOf(line.vapiCallId)).map((e) => [e.kind, e.tool])).toEqual([["tool_failed", "book_appointment"], ["tool_failed", "check_availability"]]);
    expect(logger.entries.filter((e) => e.msg === "booking tool answered with the fallback")).toHaveLength(2);
    calendar.fail(null);
    const retried = await answerToolCalls(deps, toolMessage(line, [book]));
    expect(retried.results[0]).toMatchObject({ result: expect.stringMatching(/You're booked/) });
  });

  it("a calendar that does not answer in time gives the fallback", async () => {
    const { line, deps, calendar } = await setUp();
    calendar.hang();
    const { results } = await answerToolCalls(deps, toolMessage(line, [{ name: "check_availability", arguments: { date: "2030-05-14" } }]));
    expect(results[0]).toMatchObject({ result: expect.stringMatching(/can't reach the calendar/) });
    expect((await eventsOf(line.vapiCallId))[0]).toMatchObject({ kind: "tool_failed", detail: "Google Calendar did not answer in time" });
  });

  for (const google of [null, "needs_reconnect"] as const) {
    it(`Google ${google ?? "not connected"}: the fallback, without asking the calendar`, async () => {
      const { line, deps, calendar } = await setUp({ google });
      const { results } = await answerToolCalls(deps, toolMessage(line, [{ name: "book_appointment", arguments: { start: "2030-05-14T09:00:00-05:00", name: "J" } }]));
      expect(results[0]).toMatchObject({ result: expect.stringMatching(/can't reach the calendar/) });
      expect(calendar.calls.book).toBe(0);
      expect((await eventsOf(line.vapiCallId))[0]?.detail).toMatch(google ? /reconnecting/ : /not connected/);
    });
  }

  it("through the webhook: always 200 with a result per call, even with no calendar on this server", async () => {
    const { line } = await setUp();
    const { status, body } = await deliver<{ results: unknown[] }>(vapiMessage("tool-calls", line));
    expect(status).toBe(200);
    expect(body.results).toEqual([{ name: "check_availability", toolCallId: "call_Vq2mT8kD1nL5xR7pB3hW9sYc", result: expect.stringMatching(/can't reach the calendar/) }]);
  });
});
