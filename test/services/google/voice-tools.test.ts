/** The voice tools (services/calls) on the real Google services and the Google stand-in, end to end. */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { agents } from "../../../src/db/schema";
import { type ToolCallsMessage, toolCallsSchema } from "../../../src/integrations/vapi/messages";
import { answerToolCalls } from "../../../src/services/calls/tool-calls";
import { createServices } from "../../../src/services/create-services";
import { saveConnection } from "../../../src/services/google/connection";
import { recordingLogger } from "../../support/agents";
import { db } from "../../support/db";
import { testEnv } from "../../support/env";
import { calendarEvents, googleDeps, issueTokens, ownCalendar, SCOPES } from "../../support/google";
import { createLine, deliver, type Line, vapiMessage } from "../../support/vapi-webhook";

function toolMessage(line: Line, toolCalls: { name: string; arguments: unknown }[]): ToolCallsMessage {
  const body = vapiMessage("tool-calls", line);
  body.message.toolCallList = toolCalls.map((call) => ({ id: `call_${crypto.randomUUID()}`, type: "function", function: { name: call.name, arguments: JSON.stringify(call.arguments) } }));
  return toolCallsSchema.parse(body.message);
}

function tuesdayAhead() {
  const day = new Date(Date.now() + 7 * 86_400_000);
  while (day.getUTCDay() !== 2) day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

describe("voice tools on Google", () => {
  it("checks availability, books with the caller's number, refuses a taken slot and someone else's cancel, in speakable lines", async () => {
    const created = await createLine({ bookingEnabled: true, timezone: "UTC" });
    const tokens = await issueTokens();
    await saveConnection(googleDeps(new Date()), created.owner.user.id, { email: "owner.sandbox@gmail.com", scopes: SCOPES.split(" "), ...tokens });
    const calendarId = await ownCalendar(tokens.accessToken);
    await db.update(agents).set({ calendarId }).where(eq(agents.businessId, created.owner.user.id));
    const line = created.line;
    await deliver(vapiMessage("assistant-request", line));
    const services = createServices(testEnv, { logger: recordingLogger() });
    const date = tuesdayAhead();

    const availability = await answerToolCalls(services, toolMessage(line, [{ name: "check_availability", arguments: { date } }]));
    expect(availability.results[0]).toMatchObject({ result: expect.stringMatching(/I have 9:00 AM, 9:30 AM, 10:00 AM/) });

    const booked = await answerToolCalls(services, toolMessage(line, [{ name: "book_appointment", arguments: { start: `${date}T09:00:00Z`, name: "Jordan Lee" } }]));
    expect(booked.results[0]).toMatchObject({ result: expect.stringMatching(/^You're booked for .* at 9:00 AM, under the name Jordan Lee\.$/) });
    const [event] = await calendarEvents(tokens.accessToken, calendarId);
    expect(event?.extendedProperties?.private).toMatchObject({ agentlinePhone: "+15125550147", agentlineCallId: line.vapiCallId });

    const other = { ...created.newCall(), customer: "+15125550999" };
    await deliver(vapiMessage("assistant-request", other));
    const taken = await answerToolCalls(services, toolMessage(other, [{ name: "book_appointment", arguments: { start: `${date}T09:00:00Z`, name: "Sam" } }]));
    expect(taken.results[0]).toMatchObject({ result: expect.stringMatching(/^I'm sorry, that time was just taken\. The next opening is .* at 9:30 AM\.$/) });
    const cancel = await answerToolCalls(services, toolMessage(other, [{ name: "cancel_appointment", arguments: {} }]));
    expect(cancel.results[0]).toMatchObject({ result: "I don't see any upcoming appointment booked from this phone number." });
    expect((await calendarEvents(tokens.accessToken, calendarId)).filter((e) => e.status !== "cancelled")).toHaveLength(1);

    const mine = await answerToolCalls(services, toolMessage(line, [{ name: "cancel_appointment", arguments: {} }]));
    expect(mine.results[0]).toMatchObject({ result: expect.stringMatching(/^Your appointment on .* at 9:00 AM is cancelled\.$/) });
  });
});
