/**
 * The configuration parsed from the worker's bindings (docs/architecture.md §8): the zod schema, `loadConfig`
 * and the refusals of production. A leaf: it imports nothing of ours but config/, so every layer
 * may read its configuration without knowing the layers above (docs/decisions/1000).
 *
 * Configuration is parsed once per bindings object with zod; a missing or malformed variable
 * fails with a message that names it. Services whose keys are absent are not an error here:
 * the features that need them answer 503 `service_not_configured` (see `requireSetting` in errors.ts).
 */
import { z } from "zod";
import { creditPacksVariable } from "./packs";

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
  /** Twilio (docs/architecture.md §7b): numbers that can text, and the texts themselves (ADR 0140). */
  TWILIO_ACCOUNT_SID: optionalText,
  TWILIO_AUTH_TOKEN: optionalText,
  /** Twilio's API origin (default https://api.twilio.com): the stand-in in the sandbox and tests. */
  TWILIO_BASE_URL: optionalUrl,
  /** The same as TWILIO_BASE_URL, under the name the texting brief used; TWILIO_BASE_URL wins. */
  TWILIO_API_URL: optionalUrl,
  /** Where new numbers are bought: vapi (free Vapi numbers, cannot text) or twilio (bought at Twilio, imported into Vapi). */
  NUMBER_PROVIDER: z.enum(["vapi", "twilio"], { message: "must be vapi or twilio" }).optional().default("vapi"),
  /** Credits one SMS segment costs (a text of 2 segments costs twice this). */
  SMS_CREDITS_PER_SEGMENT: integerFrom(1),
  CREDITS_PER_MINUTE: integerFrom(1, 1),
  MIN_BILLABLE_SECONDS: integerFrom(0),
  LOW_CREDIT_THRESHOLD_DEFAULT: integerFrom(10),
  /** Phone numbers one account may hold (each one costs us at Vapi). */
  PHONE_NUMBERS_PER_ACCOUNT: integerFrom(5, 1),
  /** Countries (ISO 3166 alpha-2, comma-separated) we forward or transfer calls to (docs/architecture.md §13). */
  ALLOWED_DESTINATION_COUNTRIES: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value : "US,CA"))
    .transform((value) => value.split(",").map((code) => code.trim().toUpperCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, { message: "must be ISO 3166 alpha-2 codes separated by commas, e.g. US,CA" })).min(1)),
  /** Out-of-credit forwards to the owner's phone per business per UTC day (docs/architecture.md §4); 0 = never forward. */
  OUT_OF_CREDIT_FORWARDS_PER_DAY: integerFrom(10),
  /** Messages a business may send its receptionist through POST /api/try per day (free for the owner; each costs us a model call). */
  TRY_MESSAGES_PER_DAY: integerFrom(50, 1),
  /** JSON array of credit packs ({id, name, credits, priceCents, currency}); unset = src/config/packs.ts defaults. */
  CREDIT_PACKS: creditPacksVariable,
  /**
   * Bearer token of the operations API (`/api/ops/*`: dead letters, ADR 1101), compared in
   * constant time; unset = that API answers 404.
   */
  OPS_TOKEN: optionalText.pipe(z.string().min(32, { message: "must be at least 32 characters (openssl rand -hex 32)" }).optional()),
  /**
   * Website import (ADR 0322, 0330): host:port names read as public over http too, comma-separated:
   * the sandbox's sample website only. Refused in production.
   */
  WEB_IMPORT_ALLOW_HOSTS: z
    .string()
    .trim()
    .optional()
    .transform((value) => (value ? value.split(",").map((host) => host.trim().toLowerCase()).filter(Boolean) : []))
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]+(:\d{1,5})?$/, { message: "must be host or host:port names separated by commas" }))),
  /** The DNS-over-HTTPS JSON endpoint the import asks where a name points before reading it (workerd's fetch does not say). */
  WEB_IMPORT_DNS_URL: optionalUrl.transform((value) => value ?? "https://cloudflare-dns.com/dns-query"),
  /** How long one website import may spend reading pages (ms), all pages together. */
  WEB_IMPORT_TIMEOUT_MS: integerFrom(20_000, 1),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).optional().default("info"),
  /**
   * Where this worker runs. "production" (the default, and what every deployed environment sets,
   * staging too) turns on the refusals of productionProblems(); "sandbox" when `npm run dev` runs
   * the local stand-ins (the dashboard shows a badge); "development" when it runs every service
   * for real on this machine; "test" under vitest.
   */
  AGENTLINE_MODE: z.enum(["production", "development", "sandbox", "test"]).optional().default("production"),
  /**
   * This deployment's name at the vendors (docs/architecture.md §5, §8): stamped on every object we create at
   * Vapi (metadata `environmentId`, and the name), so environments sharing one Vapi org never
   * touch each other's objects. Required in production; "local" elsewhere.
   */
  ENVIRONMENT_ID: optionalText.pipe(
    z
      .string()
      .regex(ENVIRONMENT_ID_PATTERN, { message: "must be 1-16 lowercase letters, digits or dashes, starting with a letter or digit (e.g. production, staging)" })
      .optional(),
  ),
})
  .superRefine((config, ctx) => {
    if (config.AGENTLINE_MODE !== "production") return;
    for (const [variable, message] of productionProblems(config)) ctx.addIssue({ code: "custom", path: [variable], message });
  })
  .transform((config) => ({
    ...config,
    ENVIRONMENT_ID: config.ENVIRONMENT_ID ?? LOCAL_ENVIRONMENT_ID,
    TWILIO_BASE_URL: config.TWILIO_BASE_URL ?? config.TWILIO_API_URL ?? "https://api.twilio.com",
  })));

/** ENVIRONMENT_ID outside production; production must name its own. */
export const LOCAL_ENVIRONMENT_ID = "local";
/** Short enough to prefix a Vapi name (at most 40 characters) and still leave the name readable. */
const ENVIRONMENT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,15}$/;

/** Base-URL overrides of the vendors: in production none may point at this machine (a stand-in). */
const VENDOR_URL_VARIABLES = ["VAPI_BASE_URL", "STRIPE_API_BASE", "OPENROUTER_BASE_URL", "GOOGLE_OAUTH_BASE_URL", "GOOGLE_API_BASE_URL", "TWILIO_BASE_URL", "TWILIO_API_URL", "WEB_IMPORT_DNS_URL"] as const;

/** localhost, 127.0.0.0/8, ::1, 0.0.0.0 and *.local / *.localhost names (the dev tools' db.agentline.local). */
export function isLocalHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "");
  return (
    host === "localhost" ||
    host === "::1" ||
    host === "0.0.0.0" ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    /(^|\.)(localhost|local)$/.test(host)
  );
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * What must never reach production (docs/architecture.md §7d), each as [variable, why]: sandbox mode (the
 * sandbox inbox, a vendor pointed at a local stand-in), a local database endpoint, an http
 * APP_URL, no ENVIRONMENT_ID.
 */
function productionProblems(config: {
  APP_URL: string;
  DATABASE_URL: string;
  NEON_FETCH_ENDPOINT?: string;
  SANDBOX_INBOX_URL?: string;
  ENVIRONMENT_ID?: string;
  [variable: string]: unknown;
}): [string, string][] {
  const problems: [string, string][] = [];
  const refuse = (variable: string, message: string) => problems.push([variable, `${message} (AGENTLINE_MODE is production)`]);
  if (!config.ENVIRONMENT_ID) refuse("ENVIRONMENT_ID", "is required in production: this deployment's name at the vendors, e.g. production or staging");
  if (!config.APP_URL.startsWith("https://")) refuse("APP_URL", "must be an https:// origin in production");
  if (config.NEON_FETCH_ENDPOINT) refuse("NEON_FETCH_ENDPOINT", "must be unset in production: it sends every query to a local Neon-HTTP endpoint");
  const databaseHost = hostOf(config.DATABASE_URL.replace(/^postgres(ql)?:/, "http:"));
  if (databaseHost && isLocalHost(databaseHost)) refuse("DATABASE_URL", `points at a local database (${databaseHost}); production uses Neon`);
  if (config.SANDBOX_INBOX_URL) refuse("SANDBOX_INBOX_URL", "is sandbox mode only and must be unset in production");
  if (Array.isArray(config.WEB_IMPORT_ALLOW_HOSTS) && config.WEB_IMPORT_ALLOW_HOSTS.length) {
    refuse("WEB_IMPORT_ALLOW_HOSTS", "must be unset in production: it lets the website import read hosts that are not public");
  }
  for (const variable of VENDOR_URL_VARIABLES) {
    const value = config[variable];
    const host = typeof value === "string" ? hostOf(value) : undefined;
    if (host && isLocalHost(host)) refuse(variable, `points at a local stand-in (${host}): sandbox mode must not reach production`);
  }
  return problems;
}

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join("; ")}`);
    this.name = "ConfigError";
  }
}

const parsedConfigs = new WeakMap<object, Config>();

/** Parses the bindings once per bindings object; throws ConfigError naming each bad variable. */
export function loadConfig(bindings: object): Config {
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
