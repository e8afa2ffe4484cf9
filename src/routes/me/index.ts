/** /api/me: the signed-in user, and the settings they may change. */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { showMe, updateMe } from "../../services/accounts/me";
import { patchBody } from "./schemas";

export const meRoutes = new Hono<HonoEnv>()
  .use("/me", requireUser())
  .get("/me", async (c) => {
    return c.json({ user: await showMe(c.var.services, c.get("user"), c.get("membership")) });
  })
  .patch("/me", validate("json", patchBody), async (c) => {
    // The whole body is valid by now (validate above): Vapi is only touched for a change we can store.
    return c.json({ user: await updateMe(c.var.services, c.get("user"), c.get("membership"), c.req.valid("json")) });
  });
