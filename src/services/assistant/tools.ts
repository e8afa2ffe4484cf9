/**
 * The tools an agent's assistant gets (`model.tools`): always `endCall`; `transferCall` to the
 * agent's transfer number when it has one; `check_availability` and `book_appointment` when
 * booking is on. The function tools have no server of their own, so their tool-calls go to the
 * assistant's server URL (our webhook), authenticated by the same credential.
 */
import type { Vapi } from "@vapi-ai/server-sdk";

export const CHECK_AVAILABILITY = "check_availability";
export const BOOK_APPOINTMENT = "book_appointment";

export interface ToolSource {
  transferNumber: string | null;
  bookingEnabled: boolean;
  timezone: string;
}

export function buildTools(agent: ToolSource): Vapi.OpenAiModelToolsItem[] {
  const tools: Vapi.OpenAiModelToolsItem[] = [{ type: "endCall" }];
  if (agent.transferNumber) tools.push(transferTool(agent.transferNumber));
  if (agent.bookingEnabled) tools.push(checkAvailabilityTool(agent.timezone), bookAppointmentTool(agent.timezone));
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
