/**
 * The calls API (docs/architecture.md §12), scoped to the signed-in user: `GET /api/calls`, `GET /api/calls/:id`,
 * `GET /api/stats` and `GET /api/insights/unanswered`.
 */
import { Hono } from "hono";
import { assertId } from "../../db/scope";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { unansweredQuestions } from "../../services/calls/insights";
import { getCall, listCalls } from "../../services/calls/queries";
import { userCallStats } from "../../services/calls/stats";
import { callListQuery, insightsQuery, statsQuery } from "./schemas";

export const callsRoutes = new Hono<HonoEnv>()
  .use("/calls", requireUser())
  .use("/calls/*", requireUser())
  .use("/stats", requireUser())
  .use("/insights/*", requireUser())
  .get("/calls", validate("query", callListQuery), async (c) => {
    return c.json(await listCalls(c.get("db"), c.get("user").id, c.req.valid("query")), 200);
  })
  .get("/calls/:id", async (c) => {
    return c.json({ call: await getCall(c.get("db"), c.get("user").id, assertId(c.req.param("id"), "call")) }, 200);
  })
  .get(
    "/stats",
    validate(
      "query",
      statsQuery,
    ),
    async (c) => {
      return c.json(await userCallStats(c.get("db"), c.get("user"), c.req.valid("query")), 200);
    },
  )
  .get("/insights/unanswered", validate("query", insightsQuery), async (c) => {
    return c.json({ questions: await unansweredQuestions(c.get("db"), c.get("user").id, c.req.valid("query")) }, 200);
  });
