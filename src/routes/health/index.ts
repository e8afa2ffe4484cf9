/**
 * `GET /api/health`: one real query; 503 when the database does not answer. (`/api/ping` is in
 * app.ts, before init.) `mode` is "sandbox" when the stand-ins answer: the dashboard shows a badge.
 */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { databaseAnswers } from "../../services/health";

export const healthRoutes = new Hono<HonoEnv>().get("/health", async (c) => {
  const mode = c.get("config").AGENTLINE_MODE;
  if (await databaseAnswers(c.var.services)) return c.json({ ok: true as const, db: "ok" as const, mode }, 200);
  return c.json({ ok: false as const, db: "unreachable" as const, mode }, 503);
});
