/**
 * The structured data we ask Vapi to extract after each call, defined once
 * (docs/decisions/0411-one-structured-data-definition.md): the JSON schema the assistant sends in
 * `analysisPlan.structuredDataPlan.schema`, its key names, and the one reader that turns a
 * report's `analysis.structuredData` (stored as `calls.structured_data`) into a typed object.
 * Every reader (the Sheets row, the owner's e-mail, the call API, "important" calls) goes through
 * `readCallStructuredData`; none names a key itself, so a key the assistant does not ask for
 * cannot be read (test/integrations/vapi/structured-data.test.ts scans the readers).
 */
import type { Vapi } from "@vapi-ai/server-sdk";

/** The keys, in the order the dashboard shows them. SQL that reads one (insights) uses these. */
export const STRUCTURED_DATA_KEYS = {
  callerName: "callerName",
  reasonForCalling: "reasonForCalling",
  appointmentBooked: "appointmentBooked",
  followUpNeeded: "followUpNeeded",
  unansweredQuestions: "unansweredQuestions",
} as const;

export type StructuredDataKey = keyof typeof STRUCTURED_DATA_KEYS;

/** Sent to Vapi as `analysisPlan.structuredDataPlan.schema`. */
export const CALL_STRUCTURED_DATA_SCHEMA = {
  type: "object",
  properties: {
    callerName: { type: "string", description: "The caller's name, if they gave it; empty if not." },
    reasonForCalling: { type: "string", description: "Why the caller called, in one short sentence." },
    appointmentBooked: { type: "boolean", description: "True only if an appointment was booked on this call." },
    followUpNeeded: { type: "boolean", description: "True if someone from the business should call the caller back." },
    unansweredQuestions: {
      type: "array",
      items: { type: "string" },
      description:
        "Questions the caller asked that the assistant could not answer from what it was told, each as one short question in the caller's words; empty if none.",
    },
  },
  required: Object.keys(STRUCTURED_DATA_KEYS),
} satisfies Vapi.JsonSchema & { properties: Record<StructuredDataKey, Vapi.JsonSchema> };

/** What the model extracted, typed; a missing or mistyped value reads as "not said". */
export interface CallStructuredData {
  /** null when the caller gave no name. */
  callerName: string | null;
  reasonForCalling: string | null;
  appointmentBooked: boolean;
  followUpNeeded: boolean;
  unansweredQuestions: string[];
}

/**
 * Reads a report's `analysis.structuredData` (or the stored column). The model writes it, so
 * nothing is trusted: wrong types are dropped, not thrown. Plain checks rather than zod: this
 * runs on every call e-mail and Sheets row, and needs no schema built (ADR 0900).
 */
export function readCallStructuredData(raw: unknown): CallStructuredData {
  const data = raw && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  // Own keys only: a key the model did not write is not said, whatever a prototype holds.
  const said = (key: StructuredDataKey) => (Object.hasOwn(data, key) ? data[key] : undefined);
  const text = (value: unknown, max: number) => (typeof value === "string" && value.trim() ? value.trim().slice(0, max) : null);
  const questions = said("unansweredQuestions");
  return {
    callerName: text(said("callerName"), MAX_NAME_CHARS),
    reasonForCalling: text(said("reasonForCalling"), MAX_TEXT_CHARS),
    appointmentBooked: said("appointmentBooked") === true,
    followUpNeeded: said("followUpNeeded") === true,
    unansweredQuestions: Array.isArray(questions)
      ? questions
          .filter((q): q is string => typeof q === "string" && q.trim() !== "")
          .slice(0, MAX_QUESTIONS)
          .map((q) => q.trim().slice(0, MAX_TEXT_CHARS))
      : [],
  };
}

/**
 * What one call's data may say at most: the model can write a list of thousands or a name of a
 * megabyte, and every reader (the call page, the e-mail, the Sheets row) shows what this returns.
 */
const MAX_QUESTIONS = 20;
const MAX_NAME_CHARS = 200;
const MAX_TEXT_CHARS = 500;
