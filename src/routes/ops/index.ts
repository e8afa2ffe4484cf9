/**
 * The operations API (ADR 1101), for `npm run ops` against a deployed environment or the local
 * app; every path behind `requireOpsToken` (404 without OPS_TOKEN):
 *   GET  /api/ops/dead-letters?limit=N&pending=true   the newest dead letters, without bodies
 *   POST /api/ops/dead-letters/:id/replay             send one letter's message again, once
 *   POST /api/ops/google-tokens/reencrypt?limit=N     re-encrypt idle Google tokens under the current key
 *   GET  /api/ops/undelivered?limit=N&pending=true    signed vendor messages we could not parse (ADR 0410), without bodies
 *   POST /api/ops/undelivered/:id/replay              apply one through the normal handling (a duplicate is a no-op)
 * More subcommands of `ops` add a route here and a service function beside services/ops/.
 */
import { Hono } from "hono";
import { assertId } from "../../db/scope";
import { AppError } from "../../errors";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireOpsToken } from "../../middleware/ops-token";
import { listUndelivered, replayUndelivered } from "../../services/calls/undelivered";
import { reencryptGoogleTokens } from "../../services/google/reencrypt";
import { listDeadLetters, replayDeadLetter } from "../../services/ops/dead-letters";
import { batchQuery, opsListQuery } from "./schemas";

export const opsRoutes = new Hono<HonoEnv>()
  .use("/ops/*", requireOpsToken())
  .get("/ops/dead-letters", validate("query", opsListQuery), async (c) => {
    const { limit, pending } = c.req.valid("query");
    return c.json({ deadLetters: await listDeadLetters(c.get("db"), { limit, pendingOnly: pending }) }, 200);
  })
  .post("/ops/dead-letters/:id/replay", async (c) => {
    const id = assertId(c.req.param("id"), "dead letter");
    return c.json(await replayDeadLetter({ db: c.get("db"), env: c.env }, id), 200);
  })
  .get("/ops/undelivered", validate("query", opsListQuery), async (c) => {
    const { limit, pending } = c.req.valid("query");
    return c.json({ messages: await listUndelivered(c.get("db"), { limit, pendingOnly: pending }) }, 200);
  })
  .post("/ops/undelivered/:id/replay", async (c) => {
    const id = assertId(c.req.param("id"), "undelivered message");
    const result = await replayUndelivered(c.var.services, id);
    if (result.status === "not_found") throw new AppError("not_found", "No undelivered message has that id.");
    return c.json(result, 200);
  })
  .post("/ops/google-tokens/reencrypt", validate("query", batchQuery), async (c) => {
    return c.json(await reencryptGoogleTokens(c.var.services, c.req.valid("query")), 200);
  });
