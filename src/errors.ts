/**
 * The error model (docs/architecture.md §13): the closed set of error codes, their statuses, AppError and the
 * body `{"error": {"code", "message", "details"?, "requestId"}}`. A leaf every layer throws from;
 * middleware/error-handler.ts renders it, never a stack.
 */
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
  /** A number we may not dial or forward to (docs/architecture.md §13: the destination policy). */
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
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof STATUS_BY_CODE;
/** The statuses an error answers with (each has a body, so Hono's `c.json` takes them). */
export type ErrorStatus = (typeof STATUS_BY_CODE)[ErrorCode];

export class AppError extends Error {
  readonly status: ErrorStatus;
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
 * A setting the feature needs, or 503 `service_not_configured` naming it (docs/architecture.md §8: a missing
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
