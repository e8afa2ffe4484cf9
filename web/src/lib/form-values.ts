/**
 * A form's own state for the forms whose inputs are plain text: kept apart from forms.ts so
 * the screens that don't use it (the agent editor, the heaviest) don't download it.
 */
import { useState } from "react";
import { isCommonPassword } from "../../../src/lib/common-passwords";
import { type Problems, useProblems } from "./forms";

/**
 * A form's text values with their client-side problems: `field(name)` gives an input its value
 * and an onChange that also clears that field's problem; `problem(name, server)` is the message
 * to show beside it, the client's own before the API's.
 */
export function useFormValues<Values extends Record<string, string>>(initial: Values) {
  const [values, setValues] = useState(initial);
  const local = useProblems();
  return {
    ...local,
    values,
    reset: () => setValues(initial),
    field: (name: keyof Values & string) => ({
      value: values[name],
      onChange: (event: { target: { value: string } }) => {
        setValues((current) => ({ ...current, [name]: event.target.value }));
        local.clear(name);
      },
    }),
    problem: (name: keyof Values & string, server: { fields: Problems }) => local.problems[name] ?? server.fields[name],
  };
}

/** The API's rule for a new password (PASSWORD_MIN_LENGTH in src/lib/schemas.ts), as every form words it. */
export const NEW_PASSWORD = {
  min: 8,
  hint: "At least 8 characters, and not one of the most common passwords.",
  tooShort: "Use at least 8 characters.",
  tooCommon: "That is one of the most common passwords: choose one that is harder to guess.",
} as const;

/** The form's own check of a new password, the same rules as the API's (src/lib/schemas.ts). */
export function newPasswordProblem(password: string): string | undefined {
  if (password.length < NEW_PASSWORD.min) return NEW_PASSWORD.tooShort;
  if (isCommonPassword(password)) return NEW_PASSWORD.tooCommon;
  return undefined;
}
