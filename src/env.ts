/**
 * Worker bindings and the configuration parsed from them (DESIGN §8).
 *
 * Configuration is parsed once per bindings object with zod; a missing or malformed variable
 * fails with a message that names it. Services whose keys are absent are not an error here:
 * the features that need them answer 503 `service_not_configured` (see `requireSetting` in errors.ts).
 */
import { z } from "zod";
import { creditPacksVariable } from "./config/packs";
import type { Database } from "./db/client";
import type { CreditAccount } from "./durable-objects/credit-account";
import type { Logger } from "./lib/logger";
import type { SideEffectMessage } from "./queues/messages";
import type { Session, User } from "./services/accounts/sessions";
import type { Services } from "./services/create-services";

export interface Bindings {
  CREDIT_ACCOUNT: DurableObjectNamespace<CreditAccount>;
  SIDE_EFFECTS: Queue<SideEffectMessage>;
  SIDE_EFFECTS_DLQ?: Queue<SideEffectMessage>;
  [variable: string]: unknown;
}

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined));
const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined))
  .pipe(z.url({ message: "must be a full URL such as https://host/path" }).optional());
const integerFrom = (fallback: number, min = 0) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value) => (value === undefined || value === "" ? String(fallback) : value))
    .pipe(z.string().regex(/^\d+$/, { message: "must be a whole number" }))
    .transform(Number)
    .pipe(z.number().int().min(min));
const booleanFrom = (fallback: boolean) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .optional()
    .transform((value) => (value === undefined || value === "" ? String(fallback) : value))
    .pipe(z.enum(["true", "false", "1", "0"], { message: "must be true or false" }))
    .transform((value) => value === "true" || value === "1");

// Built on first parse (z.lazy), not at startup: docs/decisions/0900-startup-budget.md.
export const configSchema = z.lazy(() => z.object({
  DATABASE_URL: z
    .string({ message: "is required (a postgres:// connection string)" })
    .trim()
    .regex(/^postgres(ql)?:\/\//, { message: "must be a postgres:// or postgresql:// connection string" }),
  APP_URL: z
    .url({ message: "is required: the dashboard's origin, e.g. https://app.example.com" })
    .transform((value) => new URL(value).origin),
  NEON_FETCH_ENDPOINT: optionalUrl,
  VAPI_API_KEY: optionalText,
  VAPI_BASE_URL: optionalUrl.transform((value) => value ?? "https://api.vapi.ai"),
  VAPI_WEBHOOK_SECRET: optionalText,
  VAPI_CREDENTIAL_ID: optionalText,
  /** The legacy `X-Vapi-Secret` header is the HMAC key in the clear with no timestamp: off unless asked for. */
  VAPI_ACCEPT_LEGACY_SECRET: booleanFrom(false),
  /** How long one Vapi API request may take (ms); a dashboard request makes at most two. */
  VAPI_TIMEOUT_MS: integerFrom(15_000, 1),
  STRIPE_SECRET_KEY: optionalText,
  STRIPE_WEBHOOK_SECRET: optionalText,
  STRIPE_API_BASE: optionalUrl,
  OPENROUTER_API_KEY: optionalText,
  OPENROUTER_MODEL: optionalText.transform((value) => value ?? "openai/gpt-4o-mini"),
  OPENROUTER_BASE_URL: optionalUrl.transform((value) => value ?? "https://openrouter.ai/api/v1"),
  GOOGLE_CLIENT_ID: optionalText,
  GOOGLE_CLIENT_SECRET: optionalText,
  GOOGLE_ENCRYPTION_KEY: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, { message: "must be 64 hex characters (32 bytes)" })
      .optional(),
  ),
  /** GOOGLE_ENCRYPTION_KEY's key version (stored with each row); raised by one at each rotation. */
  GOOGLE_ENCRYPTION_KEY_VERSION: integerFrom(1, 1),
  /** During a rotation only: the key of version GOOGLE_ENCRYPTION_KEY_VERSION − 1, for rows not yet re-encrypted. */
  GOOGLE_ENCRYPTION_KEY_PREVIOUS: optionalText.pipe(
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, { message: "must be 64 hex characters (32 bytes)" })
      .optional(),
  ),
  GOOGLE_OAUTH_BASE_URL: optionalUrl,
  /**
   * HMAC key of the login device cookies (ADR 0010); its own secret, so rotating it only makes
   * browsers strangers again until their next sign-in. Unset: device cookies are off.
   */
  DEVICE_COOKIE_SECRET: optionalText.pipe(z.string().min(32, { message: "must be at least 32 characters (openssl rand -hex 32)" }).optional()),
  /** Sandbox only: the SMTP stand-in's inbox (`GET …/messages`), shown on /sandbox. */
  SANDBOX_INBOX_URL: optionalUrl,
  GOOGLE_API_BASE_URL: optionalUrl,
  SMTP_HOST: optionalText,
  SMTP_PORT: integerFrom(587, 1),
  SMTP_USER: optionalText,
  SMTP_PASS: optionalText,
  SMTP_FROM: optionalText.transform((value) => value ?? "Agentline <no-reply@agentline.local>"),
  SMTP_SECURE: booleanFrom(false),
  SMTP_STARTTLS: booleanFrom(true),
  CREDITS_PER_MINUTE: integerFrom(1, 1),
  MIN_BILLABLE_SECONDS: integerFrom(0),
  LOW_CREDIT_THRESHOLD_DEFAULT: integerFrom(10),
  /** Phone numbers one account may hold (each one costs us at Vapi). */
  PHONE_NUMBERS_PER_ACCOUNT: integerFrom(5, 1),
  /** Countries (ISO 3166 alpha-2, comma-separated) we forward or transfer calls to (DESIGN §13). */
  ALLOWED_DESTINATION_COUNTRIES: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : "US,CA"))
    .transform((value) => value.split(",").map((code) => code.trim().toUpperCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, { message: "must be ISO 3166 alpha-2 codes separated by commas, e.g. US,CA" })).min(1)),
  /** Out-of-credit forwards to the owner's phone per business per UTC day (DESIGN §4); 0 = never forward. */
  OUT_OF_CREDIT_FORWARDS_PER_DAY: integerFrom(10),
  /** JSON array of credit packs ({id, name, credits, priceCents, currency}); unset = src/config/packs.ts defaults. */
  CREDIT_PACKS: creditPacksVariable,
  /**
   * Bearer token of the operations API (`/api/ops/*`: dead letters, ADR 1101), compared in
   * constant time; unset = that API answers 404.
   */
  OPS_TOKEN: optionalText.pipe(z.string().min(32, { message: "must be at least 32 characters (openssl rand -hex 32)" }).optional()),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).optional().default("info"),
  /** "sandbox" when `npm run dev` runs the local stand-ins: the dashboard shows a badge. */
  AGENTLINE_MODE: z.enum(["production", "sandbox", "test"]).optional().default("production"),
}));

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

const parsedConfigs = new WeakMap<object, Config>();

/** Parses the bindings once per bindings object; throws ConfigError naming each bad variable. */
export function loadConfig(bindings: Bindings): Config {
  const cached = parsedConfigs.get(bindings);
  if (cached) return cached;
  const result = configSchema.safeParse(bindings);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"} ${issue.message}`),
    );
  }
  parsedConfigs.set(bindings, result.data);
  return result.data;
}

export interface Variables {
  requestId: string;
  /** Built once per request by the init middleware (createServices). */
  services: Services;
  config: Config;
  db: Database;
  logger: Logger;
  /** Set by requireUser(); read only behind it. */
  user: User;
  session: Session;
}

export interface HonoEnv {
  Bindings: Bindings;
  Variables: Variables;
}
