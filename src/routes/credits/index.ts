/**
 * `GET /api/credits?limit=&cursor=`: the balance, the warning threshold and the ledger, newest
 * first, paginated by a keyset cursor on (created_at, id) so pages stay stable while new rows
 * arrive.
 */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireRole, requireUser } from "../../middleware/auth";
import { creditsOverview } from "../../services/credits/history";
import { querySchema } from "./schemas";

// The ledger is billing: the owner's (docs/architecture.md §7c).
export const creditRoutes = new Hono<HonoEnv>().get("/credits", requireUser(), requireRole("owner"), validate("query", querySchema), async (c) => {
  return c.json(await creditsOverview(c.var.services, c.get("business"), c.req.valid("query")), 200);
});
