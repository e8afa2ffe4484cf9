/**
 * `GET /api/credits?limit=&cursor=`: the balance, the warning threshold and the ledger, newest
 * first, paginated by a keyset cursor on (created_at, id) so pages stay stable while new rows
 * arrive.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../../env";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { creditSummary } from "../../services/credits";
import { decodeLedgerCursor, listTransactions } from "../../services/credits-history";

const querySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === "") return undefined;
      const cursor = decodeLedgerCursor(value);
      if (!cursor) {
        ctx.addIssue({ code: "custom", message: "is not a cursor this API gave out" });
        return z.NEVER;
      }
      return cursor;
    }),
});

export const creditRoutes = new Hono<HonoEnv>().get("/credits", requireUser(), validate("query", querySchema), async (c) => {
  const user = c.get("user");
  const { limit, cursor } = c.req.valid("query");
  const [page, credits] = await Promise.all([listTransactions(c.get("db"), user.id, { limit, cursor }), creditSummary(c.env, user.id, user.creditBalance)]);
  return c.json({ ...credits, lowCreditThreshold: user.lowCreditThreshold, transactions: page.items, nextCursor: page.nextCursor }, 200);
});
