/** `POST /api/generate`: an AI-written greeting, FAQ or policies from a business description. */
import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../../env";
import { multiLine, singleLine } from "../../lib/schemas";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { generate, requireGenerator } from "../../services/agents/generate";
import { LIMITS } from "../../services/agents/schemas";
import { enforce } from "../../services/rate-limit";

/** Per account: enough to iterate on a few agents, not enough to run up the model bill. */
export const GENERATE_LIMIT = { limit: 30, windowSeconds: 3600 } as const;

const generateSchema = z.strictObject({
  kind: z.enum(["faq", "greeting", "policies"], { message: "must be faq, greeting or policies" }),
  businessDescription: multiLine
    .min(20, { message: "must describe the business in at least 20 characters" })
    .max(LIMITS.text, { message: `must be at most ${LIMITS.text} characters` }),
  agentName: singleLine.min(1).max(LIMITS.name).optional(),
  tone: singleLine.min(1).max(40).optional(),
});

export const generateRoutes = new Hono<HonoEnv>().post("/generate", requireUser(), validate("json", generateSchema), async (c) => {
  const config = c.get("config");
  const { kind, ...facts } = c.req.valid("json");
  requireGenerator(config);
  await enforce(c.get("db"), { key: `generate:user:${c.get("user").id}`, ...GENERATE_LIMIT });
  return c.json(await generate(config, kind, facts), 200);
});
