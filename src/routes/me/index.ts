/** /api/me: the signed-in user, and the settings they may change. */
import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors";
import { e164Schema, singleLine, timezoneSchema } from "../../lib/schemas";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { loadUserWithGoogle, userJson } from "../../services/accounts";
import { updateProfile } from "../../services/accounts/profile";
import { creditSummary } from "../../services/credits";
import { lazyVapi } from "../vapi-deps";

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
    const row = await loadUserWithGoogle(c.get("db"), c.get("user").id);
    if (!row) throw new AppError("unauthenticated", "Sign in to continue.");
    const { reserved, available } = await creditSummary(c.env, row.user.id, row.user.creditBalance);
    return c.json({ user: { ...userJson(row.user, row.google), reserved, available } });
  })
  .patch("/me", validate("json", patchBody), async (c) => {
    const db = c.get("db");
    const user = c.get("user");
    const userId = user.id;
    // The whole body is valid by now (validate above): Vapi is only touched for a change we can store.
    await updateProfile({ db, config: c.get("config"), logger: c.get("logger"), vapi: lazyVapi(c) }, user, c.req.valid("json"));
    const row = await loadUserWithGoogle(db, userId);
    if (!row) throw new AppError("unauthenticated", "Sign in to continue.");
    return c.json({ user: userJson(row.user, row.google) });
  });
