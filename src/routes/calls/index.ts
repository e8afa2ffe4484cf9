/**
 * The calls API (DESIGN §12), scoped to the signed-in user: `GET /api/calls`, `GET /api/calls/:id`,
 * `GET /api/stats` and `GET /api/insights/unanswered`.
 */
import { Hono } from "hono";
import { z } from "zod";
import { assertId } from "../../db/scope";
import type { HonoEnv } from "../../hono-env";
import { cursorParam, limitParam } from "../../lib/cursor";
import { firstUse } from "../../lib/first-use";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { unansweredQuestions } from "../../services/calls/insights";
import { getCall, listCalls } from "../../services/calls/queries";
import { addDays, MAX_STATS_DAYS, userCallStats } from "../../services/calls/stats";

// Built on the first request that validates one, not at startup (lib/first-use.ts, ADR 0900).
const built = firstUse(() => {
  /** A moment: a full ISO date-time, or a date meaning its start in UTC. */
  const instant = z
    .string()
    .trim()
    .refine((value) => /^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:\d\d))?$/.test(value) && !Number.isNaN(Date.parse(value)), {
      message: "must be an ISO 8601 date or date-time",
    })
    .transform((value) => new Date(value))
    .optional();
  const uuid = z.uuid({ message: "must be an agent id" }).optional();

  const listQuery = z.object({
    agentId: uuid,
    status: z.enum(["scheduled", "queued", "ringing", "in-progress", "forwarding", "ended", "refused"]).optional(),
    from: instant,
    to: instant,
    limit: limitParam(20),
    cursor: cursorParam,
  });

  const day = z.iso.date({ message: "must be a date YYYY-MM-DD" }).optional();
  const statsQuery = z.object({ from: day, to: day }).superRefine((query, ctx) => {
    if (query.from && query.to && query.from > query.to) ctx.addIssue({ code: "custom", path: ["from"], message: "must not be after to" });
    if (query.from && query.to && addDays(query.from, MAX_STATS_DAYS - 1) < query.to) {
      ctx.addIssue({ code: "custom", path: ["to"], message: `the range may span at most ${MAX_STATS_DAYS} days` });
    }
  });
  const insightsQuery = z.object({ agentId: uuid, from: instant, to: instant });

  return { listQuery, statsQuery, insightsQuery };
});
const listQuery = z.lazy(() => built().listQuery);
const statsQuery = z.lazy(() => built().statsQuery);
const insightsQuery = z.lazy(() => built().insightsQuery);

export const callsRoutes = new Hono<HonoEnv>()
  .use("/calls", requireUser())
  .use("/calls/*", requireUser())
  .use("/stats", requireUser())
  .use("/insights/*", requireUser())
  .get("/calls", validate("query", listQuery), async (c) => {
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
