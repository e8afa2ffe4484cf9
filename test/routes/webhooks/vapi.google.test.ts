/**
 * The booking tools through the webhook, wired as in production (createServices' BookingPort on
 * the Google services), against the Google stand-in.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { agents, calls } from "../../../src/db/schema";
import { saveConnection } from "../../../src/services/google/connection";
import { db } from "../../support/db";
import { calendarEvents, google, googleDeps, issueTokens, ownCalendar, SCOPES } from "../../support/google";
import { createLine, deliver, type Line, vapiMessage } from "../../support/vapi-webhook";
import { googleApiError } from "../../support/vendor-errors";

type ToolAnswer = { results: { name: string; toolCallId: string; result?: string; error?: string }[] };

function toolCall(line: Line, id: string, name: string, args: unknown) {
  const body = vapiMessage("tool-calls", line);
  body.message.toolCallList = [{ id, type: "function", function: { name, arguments: JSON.stringify(args) } }];
  body.message.toolWithToolCallList = [];
  return body;
}

/** A weekday at least a week ahead (inside the 30-day horizon), as YYYY-MM-DD. */
function tuesdayAhead() {
  const day = new Date(Date.now() + 7 * 86_400_000);
  while (day.getUTCDay() !== 2) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

async function connectedLine() {
  const created = await createLine({ bookingEnabled: true, timezone: "UTC" });
  const tokens = await issueTokens();
  await saveConnection(googleDeps(new Date()), created.owner.user.id, { email: "owner.sandbox@gmail.com", scopes: SCOPES.split(" "), ...tokens });
  const calendarId = await ownCalendar(tokens.accessToken);
  await db.update(agents).set({ calendarId }).where(eq(agents.businessId, created.owner.user.id));
  await deliver(vapiMessage("assistant-request", created.line));
  const live = async () => (await calendarEvents(tokens.accessToken, calendarId)).filter((e) => e.status !== "cancelled");
  return { ...created, live };
}

afterEach(async () => {
  await google.reset();
});

describe("booking tools on Google, through the webhook", () => {
  it("a book_appointment retried with its toolCallId books once and answers the same", async () => {
    const { line, live } = await connectedLine();
    const date = tuesdayAhead();
    const body = toolCall(line, `call_${crypto.randomUUID()}`, "book_appointment", { start: `${date}T10:00:00Z`, name: "Jordan Lee" });
    const first = await deliver<ToolAnswer>(body);
    const retries = await Promise.all([deliver<ToolAnswer>(body), deliver<ToolAnswer>(body)]);
    expect(first.status).toBe(200);
    expect(first.body.results[0]?.result).toMatch(/^You're booked for .* at 10:00 AM, under the name Jordan Lee\.$/);
    for (const retry of retries) expect(retry.body.results[0]?.result).toBe(first.body.results[0]?.result);
    expect(await live()).toHaveLength(1);
  });

  it("a Google outage gives the spoken fallback, shown on the call; the retry after it books", async () => {
    const { line, live } = await connectedLine();
    const date = tuesdayAhead();
    await google.fault({ path: "/calendar/", status: 503, body: googleApiError(503, "UNAVAILABLE", "Backend Error"), times: -1 });
    const id = `call_${crypto.randomUUID()}`;
    const body = toolCall(line, id, "book_appointment", { start: `${date}T11:00:00Z`, name: "Jordan Lee" });
    const { status, body: answer } = await deliver<ToolAnswer>(body);
    expect(status).toBe(200);
    expect(answer.results).toEqual([{ name: "book_appointment", toolCallId: id, result: expect.stringMatching(/can't reach the calendar/) }]);
    const [row] = await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId));
    expect(row?.events).toEqual([expect.objectContaining({ kind: "tool_failed", tool: "book_appointment" })]);
    await google.reset();
    expect((await deliver<ToolAnswer>(body)).body.results[0]?.result).toMatch(/You're booked/);
    expect(await live()).toHaveLength(1);
  });

  it("a caller cannot cancel or move someone else's booking", async () => {
    const { line, newCall, live } = await connectedLine();
    const date = tuesdayAhead();
    await deliver(toolCall(line, `call_${crypto.randomUUID()}`, "book_appointment", { start: `${date}T13:00:00Z`, name: "Jordan Lee" }));
    const stranger = { ...newCall(), customer: "+15125550999" };
    await deliver(vapiMessage("assistant-request", stranger));
    const cancel = await deliver<ToolAnswer>(toolCall(stranger, `call_${crypto.randomUUID()}`, "cancel_appointment", { start: `${date}T13:00:00Z` }));
    const move = await deliver<ToolAnswer>(toolCall(stranger, `call_${crypto.randomUUID()}`, "move_appointment", { to: `${date}T14:00:00Z` }));
    for (const answer of [cancel, move]) expect(answer.body.results[0]?.result).toMatch(/don't see any upcoming appointment booked from this phone number/);
    const events = await live();
    expect(events).toHaveLength(1);
    expect(events[0]?.start).toMatchObject({ dateTime: expect.stringContaining("13:00:00") });
  });

  it("two calls that both send tool-call id call_0 each book their own time (keys are per call)", async () => {
    const { line, newCall, live } = await connectedLine();
    const date = tuesdayAhead();
    const other = { ...newCall(), customer: "+15125550999" };
    await deliver(vapiMessage("assistant-request", other));
    const first = await deliver<ToolAnswer>(toolCall(line, "call_0", "book_appointment", { start: `${date}T09:00:00Z`, name: "Jordan Lee" }));
    const second = await deliver<ToolAnswer>(toolCall(other, "call_0", "book_appointment", { start: `${date}T14:00:00Z`, name: "Sam Park" }));
    expect(first.body.results[0]?.result).toMatch(/at 9:00 AM, under the name Jordan Lee\.$/);
    expect(second.body.results[0]?.result).toMatch(/at 2:00 PM, under the name Sam Park\.$/);
    expect((await live()).map((e) => e.start.dateTime).sort()).toEqual([expect.stringContaining("09:00:00"), expect.stringContaining("14:00:00")]);
  });

  it("a caller who gives another person's number books under their own; that person cannot cancel or move it", async () => {
    const { line, newCall, live } = await connectedLine();
    const date = tuesdayAhead();
    const victim = "+15125550999";
    const booked = await deliver<ToolAnswer>(toolCall(line, `call_${crypto.randomUUID()}`, "book_appointment", { start: `${date}T10:00:00Z`, name: "Jordan Lee", phone: victim }));
    expect(booked.body.results[0]?.result).toMatch(/You're booked/);
    const [event] = await live();
    expect(event?.extendedProperties?.private).toMatchObject({ agentlinePhone: "+15125550147", agentlineContactPhone: victim });
    expect(event?.description).toContain(`Phone: ${victim}`);
    const other = { ...newCall(), customer: victim };
    await deliver(vapiMessage("assistant-request", other));
    const cancel = await deliver<ToolAnswer>(toolCall(other, `call_${crypto.randomUUID()}`, "cancel_appointment", {}));
    const move = await deliver<ToolAnswer>(toolCall(other, `call_${crypto.randomUUID()}`, "move_appointment", { to: `${date}T15:00:00Z` }));
    for (const answer of [cancel, move]) expect(answer.body.results[0]?.result).toMatch(/don't see any upcoming appointment booked from this phone number/);
    expect((await live())[0]?.start).toMatchObject({ dateTime: expect.stringContaining("10:00:00") });
    // The number that called can.
    const own = await deliver<ToolAnswer>(toolCall(line, `call_${crypto.randomUUID()}`, "cancel_appointment", {}));
    expect(own.body.results[0]?.result).toMatch(/is cancelled\.$/);
    expect(await live()).toHaveLength(0);
  });

  it("services and staff: availability says the service's length and price, books its length on the staff member's calendar, and the caller can cancel it there", async () => {
    const { line, owner } = await connectedLine();
    const tokens = await issueTokens();
    const [ana, ben] = [await ownCalendar(tokens.accessToken), await ownCalendar(tokens.accessToken)];
    await db
      .update(agents)
      .set({
        bookingStaff: [
          { id: "ana", name: "Ana", calendarId: ana },
          { id: "ben", name: "Ben", calendarId: ben },
        ],
        bookingServices: [{ id: "cut", name: "Haircut", minutes: 45, priceCents: 4000 }, { id: "colour", name: "Colour", minutes: 180, staffIds: ["ana"] }],
      })
      .where(eq(agents.businessId, owner.user.id));
    const date = tuesdayAhead();
    const say = async (name: string, args: unknown) => (await deliver<ToolAnswer>(toolCall(line, `call_${crypto.randomUUID()}`, name, args))).body.results[0]?.result;
    expect(await say("check_availability", { date, service: "haircuts", staff: "Ben" })).toMatch(/^On .* for Haircut, 45 minutes, \$40 with Ben I have 9:00 AM, 9:30 AM, .*Which time suits you\?$/);
    expect(await say("check_availability", { date, service: "massage" })).toBe('We don\'t offer "massage". We offer Haircut, 45 minutes, $40; and Colour, 3 hours.');
    expect(await say("book_appointment", { start: `${date}T09:00:00Z`, name: "Jordan Lee", service: "Haircut", staff: "Ben" })).toMatch(/^You're booked for .* at 9:00 AM for Haircut with Ben, under the name Jordan Lee\.$/);
    const events = await calendarEvents(tokens.accessToken, ben);
    expect(events.map((e) => [e.start.dateTime, e.end.dateTime].map((t) => new Date(t).toISOString().slice(11, 16)))).toEqual([["09:00", "09:45"]]);
    expect(await calendarEvents(tokens.accessToken, ana)).toEqual([]);
    expect(await say("cancel_appointment", {})).toMatch(/is cancelled\.$/);
    expect((await calendarEvents(tokens.accessToken, ben)).map((e) => e.status)).toEqual(["cancelled"]);
  });
});
