/** `/api/phone-numbers` (DESIGN §12): buy (US only), assign to an agent, release; Vapi's activation status shown. */

import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { assertId } from "../../db/scope";
import type { HonoEnv } from "../../env";
import { cursorParam, limitParam } from "../../lib/cursor";
import { singleLine } from "../../lib/schemas";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import {
  assignPhoneNumber,
  buyPhoneNumber,
  getPhoneNumber,
  listPhoneNumbers,
  phoneNumberJson,
  refresh,
  releasePhoneNumber,
} from "../../services/phone-numbers";
import { enforce, type RateLimitRule } from "../../services/rate-limit";
import { clientIp } from "../client-ip";
import { vapiDeps as deps, lazyVapi } from "../vapi-deps";

const agentId = z.uuid({ message: "must be the id of one of your agents" });

const buySchema = z.strictObject({
  agentId: agentId.nullable().optional(),
  areaCode: singleLine
    .regex(/^[2-9]\d{2}$/, { message: "must be a 3-digit US area code such as 415 (phone numbers are available in the US only)" })
    .optional(),
});

const assignSchema = z.strictObject({ agentId: agentId.nullable() });

const listQuery = z.object({ limit: limitParam(50), cursor: cursorParam });

/** Buying costs us money at Vapi: a few a day is what a real business needs. */
export const purchaseLimits = {
  perAccount: (userId: string): RateLimitRule => ({ key: `phone-buy:user:${userId}`, limit: 10, windowSeconds: 24 * 3600 }),
  perIp: (ip: string): RateLimitRule => ({ key: `phone-buy:ip:${ip}`, limit: 20, windowSeconds: 24 * 3600 }),
};

/** Status refreshes need Vapi; without its key, the stored status is shown. */
function optionalVapi(c: Context<HonoEnv>) {
  return c.get("config").VAPI_API_KEY ? lazyVapi(c) : undefined;
}

export const phoneNumbersRoutes = new Hono<HonoEnv>()
  .use("/phone-numbers/*", requireUser())
  .get("/phone-numbers", validate("query", listQuery), async (c) => {
    const page = await listPhoneNumbers(c.get("db"), c.get("user").id, c.req.valid("query"), optionalVapi(c), c.get("logger"));
    return c.json({ phoneNumbers: page.items.map(phoneNumberJson), nextCursor: page.nextCursor }, 200);
  })
  .post("/phone-numbers", validate("json", buySchema), async (c) => {
    // Counted before anything is bought, so a burst of parallel purchases cannot slip past it.
    await enforce(c.get("db"), purchaseLimits.perAccount(c.get("user").id));
    await enforce(c.get("db"), purchaseLimits.perIp(clientIp(c)));
    const row = await buyPhoneNumber(deps(c), c.get("user"), c.req.valid("json"));
    return c.json({ phoneNumber: phoneNumberJson(row) }, 201);
  })
  .get("/phone-numbers/:id", async (c) => {
    const row = await getPhoneNumber(c.get("db"), c.get("user").id, assertId(c.req.param("id"), "phone number"));
    const vapi = optionalVapi(c);
    const shown = vapi && (row.status !== "active" || !row.e164) ? await refresh(c.get("db"), vapi, row, c.get("logger")) : row;
    return c.json({ phoneNumber: phoneNumberJson(shown) }, 200);
  })
  .patch("/phone-numbers/:id", validate("json", assignSchema), async (c) => {
    const id = assertId(c.req.param("id"), "phone number");
    const row = await assignPhoneNumber(c.get("db"), c.get("user").id, id, c.req.valid("json").agentId);
    return c.json({ phoneNumber: phoneNumberJson(row) }, 200);
  })
  .delete("/phone-numbers/:id", async (c) => {
    await releasePhoneNumber(deps(c), c.get("user").id, assertId(c.req.param("id"), "phone number"));
    return c.body(null, 204);
  });
