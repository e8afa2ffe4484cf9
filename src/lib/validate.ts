/**
 * `validate(target, schema)`: @hono/zod-validator with the project's one hook, so every
 * invalid input answers the same 400 `validation_failed` with the failing fields.
 *
 * For `json`, the body must be declared JSON first: Hono's validator reads any other
 * Content-Type as an empty object, which would answer "email: is required" to a body that
 * was sent, just not as JSON. Every JSON route goes through here, so this is the one check.
 */
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { ZodType } from "zod";
import { AppError, validationDetails } from "../errors";

/** application/json or application/<something>+json (RFC 6839): exactly what Hono's validator parses. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

export function isJsonContentType(value: string | undefined): boolean {
  return value !== undefined && JSON_MEDIA_TYPE.test(value.split(";")[0]?.trim() ?? "");
}

export function validate<Target extends keyof ValidationTargets, Schema extends ZodType>(target: Target, schema: Schema) {
  const validator = zValidator(target, schema, (result) => {
    if (!result.success) {
      const details = validationDetails(result.error);
      const first = details[0];
      const message = first ? `${first.path || target}: ${first.message}` : `Invalid ${target}.`;
      throw new AppError("validation_failed", message, details);
    }
  });
  if (target !== "json") return validator;
  const validateJson: typeof validator = async (c, next) => {
    const contentType = c.req.header("content-type");
    if (!isJsonContentType(contentType)) {
      throw new AppError(
        "unsupported_media_type",
        contentType ? `The body must be JSON (Content-Type: application/json), not ${contentType.split(";")[0]}.` : "The body must be JSON, sent with Content-Type: application/json.",
      );
    }
    return validator(c, next);
  };
  return validateJson;
}
