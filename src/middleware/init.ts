/**
 * Builds the request's services from the bindings (`createServices`): `c.var.services`, and its
 * parts as `config`, `db`, `logger` for the routes that read them directly. A configuration
 * error surfaces here, as a 500 `config_invalid` naming the variable.
 */
import type { MiddlewareHandler } from "hono";
import { loadDatabaseDriver } from "../db/client";
import type { HonoEnv } from "../hono-env";
import { createServices } from "../services/create-services";

export function init(): MiddlewareHandler<HonoEnv> {
  return async function initMiddleware(c, next) {
    await loadDatabaseDriver();
    const services = createServices(c.env, { logger: c.get("logger") });
    c.set("services", services);
    c.set("config", services.config);
    c.set("db", services.db);
    await next();
  };
}
