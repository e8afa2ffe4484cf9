/**
 * Form errors in one place: the client's own checks (shown before any request) and the API's
 * answer (its per-field `details`, or a code that belongs to one field) side by side, so every
 * message lands next to the input it is about.
 */
import { useState } from "react";
import { ApiError } from "./api";

export type Problems = Record<string, string>;

/** Codes that are about one field even when the API sends no details. */
const FIELD_OF_CODE: Record<string, string> = {
  email_taken: "email",
  invalid_credentials: "password",
  invalid_token: "token",
};

/**
 * `fields` gathers every detail under a field onto it ("faq.0.answer" onto "faq" when only "faq"
 * is listed); paths under a `whole` prefix keep their full path ("booking.services.0.minutes"),
 * for editors that show each item's problems beside the item.
 */
export function problemsFromError(error: unknown, fields: readonly string[], whole: readonly string[] = []): { fields: Problems; general?: string } {
  if (!(error instanceof ApiError)) return error ? { fields: {}, general: "Something went wrong. Try again." } : { fields: {} };
  const found: Problems = {};
  const under = (path: string, name: string) => path === name || path.startsWith(`${name}.`);
  for (const detail of error.details) {
    // A whole path is shown beside its own input: the API's words alone, as a sentence.
    if (whole.some((prefix) => under(detail.path, prefix))) {
      found[detail.path] ??= sentence(detail.message);
      continue;
    }
    const field = fields.find((name) => under(detail.path, name)) ?? detail.path;
    found[field] ??= `${humanize(field)} ${detail.message}`;
  }
  const codeField = FIELD_OF_CODE[error.code];
  if (!error.details.length && codeField && fields.includes(codeField)) found[codeField] = error.message;
  const shownOnAField = Object.keys(found).some((field) => fields.includes(field) || whole.some((prefix) => under(field, prefix)));
  return { fields: found, general: shownOnAField ? undefined : error.message };
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function humanize(path: string): string {
  const last = path.split(".").filter((part) => !/^\d+$/.test(part)).pop() ?? path;
  const words = last.replace(/([A-Z])/g, " $1").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Client-side problems that clear, field by field, as the user edits. */
export function useProblems() {
  const [problems, setProblems] = useState<Problems>({});
  return {
    problems,
    set: setProblems,
    clear: (field: string) => setProblems((current) => (current[field] ? omit(current, field) : current)),
    /** Shows what the form's own checks `found`; true when there is nothing, so the form may be sent. */
    check: (found: Problems) => {
      setProblems(found);
      return Object.keys(found).length === 0;
    },
  };
}

function omit(record: Problems, key: string): Problems {
  const { [key]: _removed, ...rest } = record;
  return rest;
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const E164 = /^\+[1-9]\d{6,14}$/;
