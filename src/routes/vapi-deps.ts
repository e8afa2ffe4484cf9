/**
 * The services a Vapi-backed route needs, from the request's `services` (createServices): the
 * Vapi client is made on first use, so a request that ends up not calling Vapi (pausing an
 * agent, an owner without numbers) needs no Vapi key.
 */
import type { Context } from "hono";
import type { HonoEnv } from "../env";
import type { Services } from "../services/create-services";

export function lazyVapi(c: Context<HonoEnv>): Services["lazyVapi"] {
  return c.var.services.lazyVapi;
}

export function vapiDeps(c: Context<HonoEnv>) {
  return c.var.services;
}
