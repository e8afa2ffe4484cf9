/**
 * The tools an agent's assistant gets (`model.tools`): always `endCall`; `transferCall` to the
 * agent's transfer number when it has one; `check_availability`, `book_appointment`,
 * `cancel_appointment` and `move_appointment` when booking is on (a caller may change only a
 * booking made from the number they are calling from; the webhook enforces it). The function
 * tools have no server of their own, so their tool-calls go to the assistant's server URL (our
 * webhook), authenticated by the same credential.
 */
import type { Vapi } from "@vapi-ai/server-sdk";

export const CHECK_AVAILABILITY = "check_availability";
export const BOOK_APPOINTMENT = "book_appointment";
export const CANCEL_APPOINTMENT = "cancel_appointment";
export const MOVE_APPOINTMENT = "move_appointment";

export interface ToolSource {
  transferNumber: string | null;
  bookingEnabled: boolean;
  timezone: string;
  bookingServices?: { name: string }[] | undefined;
  bookingStaff?: { name: string }[] | undefined;
}

export function buildTools(agent: ToolSource): Vapi.OpenAiModelToolsItem[] {
  const tools: Vapi.OpenAiModelToolsItem[] = [{ type: "endCall" }];
  if (agent.transferNumber) tools.push(transferTool(agent.transferNumber));
  if (agent.bookingEnabled) {
    tools.push(
      checkAvailabilityTool(agent.timezone, choices(agent)),
      bookAppointmentTool(agent.timezone, choices(agent)),
      cancelAppointmentTool(agent.timezone),
      moveAppointmentTool(agent.timezone),
    );
  }
  return tools;
}

function transferTool(number: string): Vapi.OpenAiModelToolsItem {
  return {
    type: "transferCall",
    destinations: [
      {
        type: "number",
        number,
        description: "A person at the business (the owner or staff).",
        message: "One moment, I'm putting you through to someone now.",
      },
    ],
  };
}

/**
 * A function tool as Vapi takes it: what the assistant says while the tool runs, and the
 * function's name, description and JSON-schema parameters (an object of string properties).
 */
function functionTool(tool: {
  name: string;
  saying: string;
  description: string;
  properties: Record<string, Vapi.JsonSchema>;
  required: string[];
}): Vapi.OpenAiModelToolsItem {
  return {
    type: "function",
    messages: [{ type: "request-start", content: tool.saying }],
    function: {
      name: tool.name,
      description: tool.description,
      parameters: { type: "object", properties: tool.properties, required: tool.required },
    },
  };
}

const text = (description: string): Vapi.JsonSchema => ({ type: "string", description });

const isoStart = (timezone: string, what: string): Vapi.JsonSchema =>
  text(`${what} as an ISO 8601 date-time with the UTC offset of ${timezone}, e.g. 2030-05-14T15:00:00-04:00.`);

/** The `service` and `staff` arguments, when the agent has services or staff: their names are the values. */
function choices(agent: ToolSource): Record<string, Vapi.JsonSchema> {
  const names = (items: { name: string }[] | undefined) => (items ?? []).map((item) => item.name).join(", ");
  return {
    ...(agent.bookingServices?.length ? { service: text(`The service the caller wants, one of: ${names(agent.bookingServices)}.`) } : {}),
    ...(agent.bookingStaff?.length ? { staff: text(`The staff member the caller asked for, one of: ${names(agent.bookingStaff)}. Leave out for whoever is free.`) } : {}),
  };
}

function checkAvailabilityTool(timezone: string, choice: Record<string, Vapi.JsonSchema>): Vapi.OpenAiModelToolsItem {
  return functionTool({
    name: CHECK_AVAILABILITY,
    saying: "Let me check the calendar.",
    description: `Lists the free appointment start times on one day, in the business's timezone (${timezone}).`,
    properties: { date: text(`The day to check, as YYYY-MM-DD in ${timezone}.`), ...choice },
    required: ["date", ...(choice.service ? ["service"] : [])],
  });
}

function bookAppointmentTool(timezone: string, choice: Record<string, Vapi.JsonSchema>): Vapi.OpenAiModelToolsItem {
  return functionTool({
    name: BOOK_APPOINTMENT,
    saying: "I'm booking that for you now.",
    description: "Books an appointment at a start time that check_availability offered.",
    properties: {
      start: isoStart(timezone, "The appointment's start"),
      ...choice,
      name: text("The caller's full name."),
      phone: text("A phone number to reach the caller, if different from the one they are calling from."),
      notes: text("Anything the business should know, such as the reason for the visit."),
    },
    required: ["start", "name", ...(choice.service ? ["service"] : [])],
  });
}

function cancelAppointmentTool(timezone: string): Vapi.OpenAiModelToolsItem {
  return functionTool({
    name: CANCEL_APPOINTMENT,
    saying: "Let me find your booking.",
    description: "Cancels the caller's own appointment (one booked from the number they are calling from). Confirm the day and time with the caller first.",
    properties: { start: isoStart(timezone, "The start of the appointment to cancel, if the caller said which one,") },
    required: [],
  });
}

function moveAppointmentTool(timezone: string): Vapi.OpenAiModelToolsItem {
  return functionTool({
    name: MOVE_APPOINTMENT,
    saying: "Let me move that for you.",
    description: "Moves the caller's own appointment (booked from the number they are calling from) to a new start time that check_availability offered.",
    properties: {
      to: isoStart(timezone, "The new start"),
      from: isoStart(timezone, "The start of the appointment to move, if the caller has more than one,"),
    },
    required: ["to"],
  });
}
