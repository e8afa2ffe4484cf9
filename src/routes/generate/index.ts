/** `POST /api/generate`: an AI-written greeting, FAQ or policies from a business description. */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { MANAGERS, requireRole, requireUser } from "../../middleware/auth";
import { generateForUser } from "../../services/agents/generate";
import { generateSchema } from "./schemas";

export const generateRoutes = new Hono<HonoEnv>().post("/generate", requireUser(), requireRole(...MANAGERS), validate("json", generateSchema), async (c) => {
  const { kind, ...facts } = c.req.valid("json");
  return c.json(await generateForUser(c.var.services, c.get("businessId"), kind, facts), 200);
});
