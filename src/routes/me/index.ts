/** /api/me: the signed-in user, and the settings they may change. */
import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../../hono-env";
import { e164Schema, singleLine, timezoneSchema } from "../../lib/schemas";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { showMe, updateMe } from "../../services/accounts/me";

const patchBody = z
  .object({
    name: singleLine.min(1).max(100).nullable().optional(),
    phone: e164Schema.nullable().optional(),
    timezone: timezoneSchema.optional(),
    lowCreditThreshold: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, { message: "Send at least one of name, phone, timezone, lowCreditThreshold." });

export const meRoutes = new Hono<HonoEnv>()
  .use("/me", requireUser())
  .get("/me", async (c) => {
    return c.json({ user: await showMe(c.var.services, c.get("user").id) });
  })
  .patch("/me", validate("json", patchBody), async (c) => {
    // The whole body is valid by now (validate above): Vapi is only touched for a change we can store.
    return c.json({ user: await updateMe(c.var.services, c.get("user"), c.req.valid("json")) });
  });
