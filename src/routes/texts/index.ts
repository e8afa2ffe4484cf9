/**
 * The texts API (docs/architecture.md §12, §7c: staff and up): `GET /api/texts` (a page of texts,
 * a conversation with `?number=`, a call's or a booking's), `GET /api/texts/opt-outs`, and
 * `POST /api/texts` {to, body}: a reply from the business's number, sent like every text.
 */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireRole, requireUser } from "../../middleware/auth";
import { listOptOuts, listTexts, sendOwnerText } from "../../services/texts/queries";
import { sendTextBody, textListQuery } from "./schemas";

const members = ["owner", "admin", "staff"] as const;

export const textsRoutes = new Hono<HonoEnv>()
  .use("/texts", requireUser(), requireRole(...members))
  .use("/texts/*", requireUser(), requireRole(...members))
  .get("/texts", validate("query", textListQuery), async (c) => c.json(await listTexts(c.get("db"), c.get("businessId"), c.req.valid("query")), 200))
  .get("/texts/opt-outs", async (c) => c.json({ optOuts: await listOptOuts(c.get("db"), c.get("businessId")) }, 200))
  .post("/texts", validate("json", sendTextBody), async (c) => {
    const services = c.var.services;
    const text = await sendOwnerText({ db: services.db, env: services.env, logger: services.logger }, c.get("businessId"), c.req.valid("json"));
    return c.json({ text }, 202);
  });
