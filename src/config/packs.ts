/**
 * Credit packs are configuration, not code (docs/architecture.md §4): CREDIT_PACKS holds a JSON array of
 * `{id, name, credits, priceCents, currency}`; when it is unset the defaults below are sold.
 */
import { z } from "zod";

// Built on first use (the configuration is parsed on a request, not at startup: ADR 0900).
export const creditPackSchema = z.lazy(() =>
  z.object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, { message: "pack id must be lower-case letters, digits, - or _" }),
    name: z.string().trim().min(1).max(60),
    credits: z.number().int().positive().max(1_000_000),
    /** In the currency's smallest unit, as Stripe's unit_amount. */
    priceCents: z.number().int().positive().max(99_999_999),
    currency: z
      .string()
      .regex(/^[a-zA-Z]{3}$/, { message: "currency must be a three-letter ISO code" })
      .transform((value) => value.toLowerCase()),
  }),
);

export type CreditPack = z.infer<typeof creditPackSchema>;

export const DEFAULT_CREDIT_PACKS: readonly CreditPack[] = [
  { id: "starter", name: "Starter", credits: 100, priceCents: 1_000, currency: "usd" },
  { id: "growth", name: "Growth", credits: 500, priceCents: 4_500, currency: "usd" },
  { id: "pro", name: "Pro", credits: 2_000, priceCents: 16_000, currency: "usd" },
];

export const creditPacksSchema = z.lazy(() =>
  z
    .array(creditPackSchema)
    .min(1, { message: "must list at least one pack" })
    .refine((packs) => new Set(packs.map((pack) => pack.id)).size === packs.length, { message: "pack ids must be unique" }),
);

/** The zod field for the CREDIT_PACKS variable: JSON text, or unset for the defaults. */
export const creditPacksVariable = z.lazy(() =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return DEFAULT_CREDIT_PACKS.map((pack) => ({ ...pack }));
      try {
        return JSON.parse(value) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be a JSON array of {id, name, credits, priceCents, currency}" });
        return z.NEVER;
      }
    })
    .pipe(creditPacksSchema),
);

export function findPack(packs: readonly CreditPack[], id: string): CreditPack | undefined {
  return packs.find((pack) => pack.id === id);
}

/** Currencies Stripe counts in whole units (no cents). */
const ZERO_DECIMAL = new Set(["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"]);

/** An amount in the currency's smallest unit, for people: `formatMoney(1000, "usd")` → "$10.00". */
export function formatMoney(amount: number, currency: string): string {
  const code = currency.toUpperCase();
  const value = ZERO_DECIMAL.has(currency.toLowerCase()) ? amount : amount / 100;
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: code }).format(value);
  } catch {
    return `${value.toFixed(2)} ${code}`;
  }
}
