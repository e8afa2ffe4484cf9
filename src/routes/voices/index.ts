/** `GET /api/voices`: the curated voices an agent can use (src/data/voices.ts). */
import { Hono } from "hono";
import { VOICES } from "../../data/voices";
import type { HonoEnv } from "../../hono-env";
import { requireUser } from "../../middleware/auth";

export const voicesRoutes = new Hono<HonoEnv>().get("/voices", requireUser(), (c) => {
  c.header("Cache-Control", "private, max-age=3600");
  return c.json({ voices: VOICES }, 200);
});
