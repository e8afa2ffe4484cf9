/**
 * The services a Vapi-backed route needs, from the request context. The Vapi client is made on
 * first use, so a request that ends up not calling Vapi (pausing an agent, an owner without
 * numbers) needs no Vapi key.
 */
import type { Context } from "hono";
import type { HonoEnv } from "../env";
import { createVapiClient, type VapiClient } from "../integrations/vapi/client";

export function lazyVapi(c: Context<HonoEnv>): () => VapiClient {
  let client: VapiClient | undefined;
  return () => (client ??= createVapiClient(c.get("config")));
}

export function vapiDeps(c: Context<HonoEnv>) {
  const vapi = lazyVapi(c);
  return {
    db: c.get("db"),
    config: c.get("config"),
    logger: c.get("logger"),
    get vapi() {
      return vapi();
    },
  };
}
