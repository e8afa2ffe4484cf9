/**
 * `GET /api/health`: one real query; 503 when the database does not answer. (`/api/ping` is in
 * app.ts, before init.) `mode` is "sandbox" when the stand-ins answer: the dashboard shows a badge.
 */
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { HonoEnv } from "../../env";
import { describeError } from "../../lib/logger";

const HEALTH_QUERY_TIMEOUT_MS = 5000;

export const healthRoutes = new Hono<HonoEnv>()
  .get("/health", async (c) => {
    const mode = c.get("config").AGENTLINE_MODE;
    try {
      await withTimeout(c.get("db").execute(sql`select 1`), HEALTH_QUERY_TIMEOUT_MS);
      return c.json({ ok: true as const, db: "ok" as const, mode }, 200);
    } catch (error) {
      c.get("logger").warn("health check failed", describeError(error));
      return c.json({ ok: false as const, db: "unreachable" as const, mode }, 503);
    }
  });

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
