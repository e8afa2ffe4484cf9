/**
 * `GET /api/credits?limit=&cursor=`: the balance, the warning threshold and the ledger, newest
 * first, paginated by a keyset cursor on (created_at, id) so pages stay stable while new rows
 * arrive.
 */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { creditsOverview } from "../../services/credits/history";
import { querySchema } from "./schemas";

export const creditRoutes = new Hono<HonoEnv>().get("/credits", requireUser(), validate("query", querySchema), async (c) => {
  return c.json(await creditsOverview(c.var.services, c.get("user"), c.req.valid("query")), 200);
});
