/** Request schema of `PATCH /api/me`: at least one of the settings a user may change. Built on first use (z.lazy, ADR 0900). */
import { z } from "zod";
import { e164Schema, singleLine, timezoneSchema } from "../../lib/schemas";

export const patchBody = z.lazy(() =>
  z
    .object({
      name: singleLine.min(1).max(100).nullable().optional(),
      phone: e164Schema.nullable().optional(),
      timezone: timezoneSchema.optional(),
      lowCreditThreshold: z.number().int({ message: "must be a whole number of credits" }).min(0, { message: "must be 0 or more" }).max(1_000_000, { message: "may be at most 1,000,000 credits" }).optional(),
    })
    .strict()
    .refine((body) => Object.keys(body).length > 0, { message: "Send at least one of name, phone, timezone, lowCreditThreshold." }),
);
