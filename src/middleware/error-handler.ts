/**
 * The one place that renders errors (docs/architecture.md §13): AppError as `{"error": {"code", "message",
 * "details"?, "requestId"}}`, anything else as 500 `internal_error`, never a stack. The error
 * model itself is src/errors.ts, a leaf; this renderer is typed on the Hono context.
 */
import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "../config/env";
import { AppError, type ErrorCode, errorBody } from "../errors";
import type { HonoEnv } from "../hono-env";
import { describeError } from "../lib/logger";
import { isDatabaseUnavailable } from "../lib/sql-state";

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
