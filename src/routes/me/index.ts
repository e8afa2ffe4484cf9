/** /api/me: the signed-in user, and the settings they may change. */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { showMe, updateMe } from "../../services/accounts/me";
import { setupSteps } from "../../services/accounts/setup";
import { patchBody } from "./schemas";

export const meRoutes = new Hono<HonoEnv>()
  .use("/me", requireUser())
  .get("/me", async (c) => {
    const [user, setup] = await Promise.all([showMe(c.var.services, c.get("user").id), setupSteps(c.get("db"), c.get("user").id)]);
    return c.json({ user, setup });
  })
  .patch("/me", validate("json", patchBody), async (c) => {
    // The whole body is valid by now (validate above): Vapi is only touched for a change we can store.
    return c.json({ user: await updateMe(c.var.services, c.get("user"), c.req.valid("json")) });
  });
