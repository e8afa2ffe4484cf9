/**
 * `GET /api/credits?limit=&cursor=`: the balance, the warning threshold and the ledger, newest
 * first, paginated by a keyset cursor on (created_at, id) so pages stay stable while new rows
 * arrive.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../../env";
import { cursorParam, limitParam } from "../../lib/cursor";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { creditSummary } from "../../services/credits";
import { listTransactions } from "../../services/credits/history";

const querySchema = z.object({ limit: limitParam(20), cursor: cursorParam });

export const creditRoutes = new Hono<HonoEnv>().get("/credits", requireUser(), validate("query", querySchema), async (c) => {
  const user = c.get("user");
  const { limit, cursor } = c.req.valid("query");
  const [page, credits] = await Promise.all([listTransactions(c.get("db"), user.id, { limit, cursor }), creditSummary(c.env, user.id, user.creditBalance)]);
  return c.json({ ...credits, lowCreditThreshold: user.lowCreditThreshold, transactions: page.items, nextCursor: page.nextCursor }, 200);
});
