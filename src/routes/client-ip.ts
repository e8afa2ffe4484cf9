import type { Context } from "hono";

/** Cloudflare sets CF-Connecting-IP on every request it forwards; locally there is none. */
export function clientIp(c: Context): string {
  return c.req.header("cf-connecting-ip") ?? "local";
}
