/** Request schema of `POST /api/generate`: what to write and the facts to write it from, within the agent's LIMITS. Built on first use (z.lazy, ADR 0900). */
import { z } from "zod";
import { multiLine, singleLine } from "../../lib/schemas";
import { LIMITS } from "../../services/agents/limits";

export const generateSchema = z.lazy(() =>
  z.strictObject({
    kind: z.enum(["faq", "greeting", "policies", "hours", "services"], { message: "must be faq, greeting, policies, hours or services" }),
    businessDescription: multiLine
      .min(20, { message: "must describe the business in at least 20 characters" })
      .max(LIMITS.text, { message: `must be at most ${LIMITS.text} characters` }),
    agentName: singleLine.min(1).max(LIMITS.name).optional(),
    tone: singleLine.min(1).max(40).optional(),
  }),
);
