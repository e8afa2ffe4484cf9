/**
 * The calls API (docs/architecture.md §12), scoped to the current business: `GET /api/calls`, `GET/PATCH /api/calls/:id`
 * (the follow-up: every role, it is the front desk's work, docs/architecture.md §7c), `GET /api/stats`,
 * `GET /api/insights/unanswered` and its dismissals.
 */
import { Hono } from "hono";
import { assertId } from "../../db/scope";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { ANY_MEMBER, requireRole, requireUser } from "../../middleware/auth";
import { setFollowUp } from "../../services/calls/follow-ups";
import { dismissQuestion, unansweredQuestions } from "../../services/calls/insights";
import { getCall, listCalls } from "../../services/calls/queries";
import { userCallStats } from "../../services/calls/stats";
import { callDetailJson } from "../../services/calls/view";
import { callListQuery, dismissBody, followUpBody, insightsQuery, statsQuery } from "./schemas";

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
  .patch("/calls/:id", validate("json", followUpBody), async (c) => {
    const row = await setFollowUp(c.get("db"), c.get("businessId"), assertId(c.req.param("id"), "call"), c.get("user").id, c.req.valid("json"));
    return c.json({ call: callDetailJson(row) }, 200);
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
  })
  // "Not a question for the FAQ": hidden from the list for good, whoever asks it again.
  .post("/insights/unanswered/dismissals", validate("json", dismissBody), async (c) => {
    await dismissQuestion(c.get("db"), c.get("businessId"), c.get("user").id, c.req.valid("json").text);
    return c.body(null, 204);
  });
