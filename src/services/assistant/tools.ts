/**
 * The tools an agent's assistant gets (`model.tools`): always `endCall`; `transferCall` to the
 * agent's transfer number when it has one; `check_availability`, `book_appointment`,
 * `cancel_appointment` and `move_appointment` when booking is on (a caller may change only a
 * booking made from the number they are calling from; the webhook enforces it). The function tools have no server of their own, so their tool-calls go to the
 * assistant's server URL (our webhook), authenticated by the same credential.
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
}

export function buildTools(agent: ToolSource): Vapi.OpenAiModelToolsItem[] {
  const tools: Vapi.OpenAiModelToolsItem[] = [{ type: "endCall" }];
  if (agent.transferNumber) tools.push(transferTool(agent.transferNumber));
  if (agent.bookingEnabled) {
    tools.push(
      checkAvailabilityTool(agent.timezone),
      bookAppointmentTool(agent.timezone),
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

function checkAvailabilityTool(timezone: string): Vapi.OpenAiModelToolsItem {
  return {
    type: "function",
    messages: [{ type: "request-start", content: "Let me check the calendar." }],
    function: {
      name: CHECK_AVAILABILITY,
      description: `Lists the free appointment start times on one day, in the business's timezone (${timezone}).`,
      parameters: {
        type: "object",
        properties: {
          date: { type: "string", description: `The day to check, as YYYY-MM-DD in ${timezone}.` },
        },
        required: ["date"],
      },
    },
  };
}

function bookAppointmentTool(timezone: string): Vapi.OpenAiModelToolsItem {
  return {
    type: "function",
    messages: [{ type: "request-start", content: "I'm booking that for you now." }],
    function: {
      name: BOOK_APPOINTMENT,
      description: "Books an appointment at a start time that check_availability offered.",
      parameters: {
        type: "object",
        properties: {
          start: {
            type: "string",
            description: `The appointment's start as an ISO 8601 date-time with the UTC offset of ${timezone}, e.g. 2030-05-14T15:00:00-04:00.`,
          },
          name: { type: "string", description: "The caller's full name." },
          phone: { type: "string", description: "A phone number to reach the caller, if different from the one they are calling from." },
          notes: { type: "string", description: "Anything the business should know, such as the reason for the visit." },
        },
        required: ["start", "name"],
      },
    },
  };
}

const isoStart = (timezone: string, what: string): Vapi.JsonSchema => ({
  type: "string" as const,
  description: `${what} as an ISO 8601 date-time with the UTC offset of ${timezone}, e.g. 2030-05-14T15:00:00-04:00.`,
});

function cancelAppointmentTool(timezone: string): Vapi.OpenAiModelToolsItem {
  return {
    type: "function",
    messages: [{ type: "request-start", content: "Let me find your booking." }],
    function: {
      name: CANCEL_APPOINTMENT,
      description: "Cancels the caller's own appointment (one booked from the number they are calling from). Confirm the day and time with the caller first.",
      parameters: {
        type: "object",
        properties: { start: isoStart(timezone, "The start of the appointment to cancel, if the caller said which one,") },
        required: [],
      },
    },
  };
}

function moveAppointmentTool(timezone: string): Vapi.OpenAiModelToolsItem {
  return {
    type: "function",
    messages: [{ type: "request-start", content: "Let me move that for you." }],
    function: {
      name: MOVE_APPOINTMENT,
      description: "Moves the caller's own appointment (booked from the number they are calling from) to a new start time that check_availability offered.",
      parameters: {
        type: "object",
        properties: {
          to: isoStart(timezone, "The new start"),
          from: isoStart(timezone, "The start of the appointment to move, if the caller has more than one,"),
        },
        required: ["to"],
      },
    },
  };
}
