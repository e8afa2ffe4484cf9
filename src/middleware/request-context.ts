/**
 * First middleware of every request: a request id (kept from `X-Request-Id` when the caller
 * sent a sane one), a logger bound to it, and one access-log line with status and duration.
 */
import type { MiddlewareHandler } from "hono";
import type { HonoEnv } from "../hono-env";
import { createLogger, parseLevel } from "../lib/logger";

const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,128}$/;

export function requestContext(): MiddlewareHandler<HonoEnv> {
  return async function requestContextMiddleware(c, next) {
    const started = Date.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : crypto.randomUUID();
    const logger = createLogger({ requestId }, parseLevel(c.env?.LOG_LEVEL));
    c.set("requestId", requestId);
    c.set("logger", logger);
    await next();
    c.res.headers.set("X-Request-Id", requestId);
    const route = c.req.routePath;
    logger.info("request", {
      method: c.req.method,
      route,
      path: new URL(c.req.url).pathname,
      status: c.res.status,
      durationMs: Date.now() - started,
    });
  };
}
