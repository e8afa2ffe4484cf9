/** `POST /api/generate`: an AI-written greeting, FAQ or policies from a business description. */
import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../../hono-env";
import { multiLine, singleLine } from "../../lib/schemas";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { generateForUser } from "../../services/agents/generate";
import { LIMITS } from "../../services/agents/schemas";

const generateSchema = z.strictObject({
  kind: z.enum(["faq", "greeting", "policies"], { message: "must be faq, greeting or policies" }),
  businessDescription: multiLine
    .min(20, { message: "must describe the business in at least 20 characters" })
    .max(LIMITS.text, { message: `must be at most ${LIMITS.text} characters` }),
  agentName: singleLine.min(1).max(LIMITS.name).optional(),
  tone: singleLine.min(1).max(40).optional(),
});

export const generateRoutes = new Hono<HonoEnv>().post("/generate", requireUser(), validate("json", generateSchema), async (c) => {
  const { kind, ...facts } = c.req.valid("json");
  return c.json(await generateForUser(c.var.services, c.get("user").id, kind, facts), 200);
});
