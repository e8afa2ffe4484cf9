/**
 * `validate(target, schema)`: @hono/zod-validator with the project's one hook, so every
 * invalid input answers the same 400 `validation_failed` with the failing fields.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { AppError, validationDetails } from "../errors";

export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  return zValidator(target, schema, (result) => {
    if (!result.success) {
      const details = validationDetails(result.error);
      const first = details[0];
      const message = first ? `${first.path || target}: ${first.message}` : `Invalid ${target}.`;
      throw new AppError("validation_failed", message, details);
    }
  });
}
