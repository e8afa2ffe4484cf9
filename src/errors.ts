/**
 * The closed set of error codes and the one place that renders them (DESIGN §13):
 * `{"error": {"code", "message", "details"?, "requestId"}}`, never a stack.
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError, type HonoEnv } from "./env";
import { describeError } from "./lib/logger";
import { isDatabaseUnavailable } from "./lib/sql-state";

const STATUS_BY_CODE = {
  bad_request: 400,
  validation_failed: 400,
  invalid_json: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  invalid_signature: 400,
  payment_required: 402,
  bad_origin: 403,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  email_taken: 409,
  slot_taken: 409,
  google_not_connected: 409,
  invalid_time: 400,
  /** A number we may not dial or forward to (DESIGN §13: the destination policy). */
  destination_not_allowed: 400,
  invalid_token: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  config_invalid: 500,
  vapi_error: 502,
  upstream_error: 502,
  service_not_configured: 503,
  database_unavailable: 503,
  /** Another delivery of the same webhook is being acted on: retry later. */
  busy: 503,
  upstream_timeout: 504,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof STATUS_BY_CODE;

export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
    this.status = STATUS_BY_CODE[code];
  }
}

/**
 * A setting the feature needs, or 503 `service_not_configured` naming it (DESIGN §8: a missing
 * key is not a boot error, only the features that need it are unavailable).
 *
 * @example const key = requireSetting(config.STRIPE_SECRET_KEY, "STRIPE_SECRET_KEY", "payments");
 */
export function requireSetting(value: string | undefined, variable: string, feature: string): string {
  if (value) return value;
  throw notConfigured(variable, feature);
}

/** The 503 `requireSetting` throws, for code that has already checked the value itself. */
export function notConfigured(variable: string, feature: string): AppError {
  return new AppError("service_not_configured", `This server is not configured for ${feature}: ${variable} is not set.`, { variable });
}

export function errorBody(code: ErrorCode, message: string, requestId?: string, details?: unknown) {
  return { error: { code, message, ...(details === undefined ? {} : { details }), ...(requestId ? { requestId } : {}) } };
}

/** Zod issues as `[{path: "faq.0.answer", message}]`: what a form needs to mark its fields. */
export function validationDetails(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }) {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

function render(c: Context<HonoEnv>, error: AppError) {
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  return c.json(errorBody(error.code, error.message, c.get("requestId"), error.details), error.status);
}

export const handleError: ErrorHandler<HonoEnv> = (error, c) => {
  if (error instanceof AppError) {
    if (error.status >= 500) c.get("logger")?.error("request failed", { code: error.code, error: error.message });
    return render(c, error);
  }
  if (error instanceof ConfigError) {
    c.get("logger").error(error.message);
    return render(c, new AppError("config_invalid", error.message, { problems: error.problems }));
  }
  if (error instanceof HTTPException) {
    const code: ErrorCode =
      error.status === 413
        ? "payload_too_large"
        : error.status === 401
          ? "unauthenticated"
          : /malformed json/i.test(error.message)
            ? "invalid_json"
            : error.status === 415 || /content-type/i.test(error.message)
              ? "unsupported_media_type"
              : "bad_request";
    return render(c, new AppError(code, error.message || "Bad request"));
  }
  const logger = c.get("logger");
  const detail = describeError(error);
  if (isDatabaseUnavailable(error)) {
    logger?.error("database unavailable", detail);
    return render(c, new AppError("database_unavailable", "The database is not answering right now. Please try again in a moment.", undefined, { "Retry-After": "2" }));
  }
  if (logger) logger.error("unhandled error", detail);
  else console.error(JSON.stringify({ level: "error", msg: "unhandled error", ...detail }));
  return render(c, new AppError("internal_error", "Something went wrong on our side. Please try again."));
};

export const handleNotFound: NotFoundHandler<HonoEnv> = (c) =>
  render(c, new AppError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`));
