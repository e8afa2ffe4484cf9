/**
 * CSRF defence (docs/architecture.md §13): a state-changing request to the API must carry an Origin equal
 * to APP_URL's origin, else 403 `bad_origin`. Webhooks are exempt: they authenticate by
 * signature, and their senders send no Origin. So is the operations API (`/api/ops/`): it takes
 * a bearer token, never a cookie, so no other site can make a browser send it.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors";
import type { HonoEnv } from "../hono-env";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function requireSameOrigin(): MiddlewareHandler<HonoEnv> {
  return async function requireSameOriginMiddleware(c, next) {
    if (!SAFE_METHODS.has(c.req.method) && !/^\/api\/(webhooks|ops)\//.test(new URL(c.req.url).pathname)) {
      const origin = c.req.header("origin");
      if (origin !== c.get("config").APP_URL) {
        throw new AppError(
          "bad_origin",
          origin ? `Requests from ${origin} are not accepted.` : "A state-changing request must carry an Origin header.",
        );
      }
    }
    await next();
  };
}
