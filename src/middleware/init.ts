/**
 * Builds the request's services from the bindings: the parsed configuration and the database.
 * A configuration error surfaces here, as a 500 `config_invalid` naming the variable.
 */
import type { MiddlewareHandler } from "hono";
import { createDatabase } from "../db/client";
import { type HonoEnv, loadConfig } from "../env";

export function init(): MiddlewareHandler<HonoEnv> {
  return async function initMiddleware(c, next) {
    const config = loadConfig(c.env);
    c.set("config", config);
    c.set("db", createDatabase(config));
    await next();
  };
}
