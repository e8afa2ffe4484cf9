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
    })
    .strict()
    .refine((body) => Object.keys(body).length > 0, { message: "Send at least one of name, timezone, phone, retentionDays, lowCreditThreshold." }),
);
