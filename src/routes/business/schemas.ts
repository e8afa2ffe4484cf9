/** Request schemas of the business routes (docs/architecture.md §12). Built on first use (z.lazy, ADR 0900). */
import { z } from "zod";
import { e164Schema, singleLine, timezoneSchema } from "../../lib/schemas";

const uuid = z.uuid({ message: "must be a business id" });

export const switchBody = z.lazy(() => z.object({ businessId: uuid }).strict());

export const createBusinessBody = z.lazy(() => z.object({ name: singleLine.min(1).max(100), timezone: timezoneSchema.optional() }).strict());

export const patchBusinessBody = z.lazy(() =>
  z
    .object({
      name: singleLine.min(1).max(100).optional(),
      timezone: timezoneSchema.optional(),
      phone: e164Schema.nullable().optional(),
      retentionDays: z.number().int().min(1).max(3650).optional(),
      lowCreditThreshold: z.number().int().min(0).max(1_000_000).optional(),
      autoTopUp: z
        .object({
          enabled: z.boolean().optional(),
          packId: singleLine.min(1).max(40).optional(),
          whenBelow: z.number({ message: "must be a whole number of credits" }).int({ message: "must be a whole number of credits" }).optional(),
          monthlyCapCents: z.number({ message: "must be a whole number of cents" }).int({ message: "must be a whole number of cents" }).min(1).max(100_000_000).optional(),
        })
        .strict()
        .optional(),
    })
    .strict()
    .refine((body) => Object.keys(body).length > 0, { message: "Send at least one of name, timezone, phone, retentionDays, lowCreditThreshold, autoTopUp." }),
);
