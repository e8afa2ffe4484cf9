/**
 * The operations API's guard (ADR 1101): `Authorization: Bearer <OPS_TOKEN>`, compared in
 * constant time. Without OPS_TOKEN the API does not exist (404, as any unknown path); a wrong or
 * missing token is 401.
 */
import type { MiddlewareHandler } from "hono";
import { AppError } from "../errors";
import type { HonoEnv } from "../hono-env";
import { constantTimeEqual } from "../lib/constant-time";

export function requireOpsToken(): MiddlewareHandler<HonoEnv> {
  return async function requireOpsTokenMiddleware(c, next) {
    const token = c.get("config").OPS_TOKEN;
    // Indistinguishable from a path that does not exist.
    if (!token) throw new AppError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);
    const given = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
    if (!constantTimeEqual(given, token)) throw new AppError("unauthenticated", "The operations API needs Authorization: Bearer <OPS_TOKEN>.");
    await next();
  };
}
