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
    const membership = c.get("membership");
    // The setup checklist is the current business's; a person in no business has none yet.
    const [user, setup] = await Promise.all([showMe(c.var.services, c.get("user"), membership), membership ? setupSteps(c.get("db"), membership.businessId) : { steps: [] }]);
    return c.json({ user, setup });
  })
  .patch("/me", validate("json", patchBody), async (c) => {
    // The whole body is valid by now (validate above): Vapi is only touched for a change we can store.
    return c.json({ user: await updateMe(c.var.services, c.get("user"), c.get("membership"), c.req.valid("json")) });
  });
