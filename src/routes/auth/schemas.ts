/**
 * Request schemas of /api/auth (docs/architecture.md §12, §13), from lib/schemas' shared fields. A password
 * being checked is taken as typed (`rawSingleLine`, any length we accept); a new one follows the
 * password rule. Built on first use (z.lazy, ADR 0900).
 */
import { z } from "zod";
import { emailSchema, passwordSchema, rawSingleLine, singleLine, timezoneSchema } from "../../lib/schemas";

export const signupBody = z.lazy(() => z.object({
  email: emailSchema,
  password: passwordSchema,
  name: singleLine.min(1).max(100).optional(),
  /** The business the account starts with (renamed later with PATCH /api/business); defaults to the name. */
  businessName: singleLine.min(1).max(100).optional(),
  timezone: timezoneSchema.optional(),
}));
export const loginBody = z.lazy(() => z.object({ email: emailSchema, password: rawSingleLine.min(1, { message: "is required" }).max(1024) }));
export const passwordBody = z.lazy(() => z.object({ currentPassword: rawSingleLine.min(1, { message: "is required" }).max(1024), newPassword: passwordSchema }));
export const resetRequestBody = z.lazy(() => z.object({ email: emailSchema }));
export const resetConfirmBody = z.lazy(() => z.object({ token: singleLine.min(16).max(128), newPassword: passwordSchema }));
