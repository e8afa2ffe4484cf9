/**
 * The calls API (docs/architecture.md §12), scoped to the current business: `GET /api/calls`, `GET /api/calls/:id`,
 * `GET /api/stats` and `GET /api/insights/unanswered`.
 */
import { Hono } from "hono";
import { assertId } from "../../db/scope";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { ANY_MEMBER, requireRole, requireUser } from "../../middleware/auth";
import { unansweredQuestions } from "../../services/calls/insights";
import { getCall, listCalls } from "../../services/calls/queries";
import { userCallStats } from "../../services/calls/stats";
import { callListQuery, insightsQuery, statsQuery } from "./schemas";

export const callsRoutes = new Hono<HonoEnv>()
  .use("/calls", requireUser(), requireRole(...ANY_MEMBER))
  .use("/calls/*", requireUser(), requireRole(...ANY_MEMBER))
  .use("/stats", requireUser(), requireRole(...ANY_MEMBER))
  .use("/insights/*", requireUser(), requireRole(...ANY_MEMBER))
  .get("/calls", validate("query", callListQuery), async (c) => {
    return c.json(await listCalls(c.get("db"), c.get("businessId"), c.req.valid("query")), 200);
  })
  .get("/calls/:id", async (c) => {
    return c.json({ call: await getCall(c.get("db"), c.get("businessId"), assertId(c.req.param("id"), "call")) }, 200);
  })
  .get(
    "/stats",
    validate(
      "query",
      statsQuery,
    ),
    async (c) => {
      return c.json(await userCallStats(c.get("db"), c.get("business"), c.req.valid("query")), 200);
    },
  )
  .get("/insights/unanswered", validate("query", insightsQuery), async (c) => {
    return c.json({ questions: await unansweredQuestions(c.get("db"), c.get("businessId"), c.req.valid("query")) }, 200);
  });
