/** `/api/phone-numbers` (docs/architecture.md §12): buy (US only), assign to an agent, release, test the owner's forwarding; Vapi's activation status shown. */
import { Hono } from "hono";
import { assertId } from "../../db/scope";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { ANY_MEMBER, MANAGERS, requireRole, requireUser } from "../../middleware/auth";
import { assignPhoneNumber, phoneNumberJson, releasePhoneNumber } from "../../services/phone-numbers";
import { startForwardingTest } from "../../services/phone-numbers/forwarding";
import { listOwnPhoneNumbers, purchasePhoneNumber, showPhoneNumber } from "../../services/phone-numbers/requests";
import { audit } from "../audit";
import { clientIp } from "../client-ip";
import { assignSchema, buySchema, forwardingTestSchema, phoneNumberListQuery } from "./schemas";

export const phoneNumbersRoutes = new Hono<HonoEnv>()
  .use("/phone-numbers/*", requireUser(), requireRole(...ANY_MEMBER))
  .get("/phone-numbers", validate("query", phoneNumberListQuery), async (c) => {
    const page = await listOwnPhoneNumbers(c.var.services, c.get("businessId"), c.req.valid("query"));
    return c.json({ phoneNumbers: page.items.map(phoneNumberJson), nextCursor: page.nextCursor }, 200);
  })
  .post("/phone-numbers/forwarding-test", requireRole(...MANAGERS), validate("json", forwardingTestSchema), async (c) => {
    const { numberId, from } = c.req.valid("json");
    return c.json({ forwardingTest: await startForwardingTest(c.get("db"), c.get("businessId"), numberId, from) }, 202);
  })
  .post("/phone-numbers", requireRole(...MANAGERS), validate("json", buySchema), async (c) => {
    const row = await purchasePhoneNumber(c.var.services, c.get("business"), c.req.valid("json"), clientIp(c));
    await audit(c, "number.bought", { type: "number", id: row.id }, { number: row.e164, areaCode: row.areaCode, agentId: row.agentId });
    return c.json({ phoneNumber: phoneNumberJson(row) }, 201);
  })
  .get("/phone-numbers/:id", async (c) => {
    const row = await showPhoneNumber(c.var.services, c.get("businessId"), assertId(c.req.param("id"), "phone number"));
    return c.json({ phoneNumber: phoneNumberJson(row) }, 200);
  })
  .patch("/phone-numbers/:id", requireRole(...MANAGERS), validate("json", assignSchema), async (c) => {
    const id = assertId(c.req.param("id"), "phone number");
    const row = await assignPhoneNumber(c.get("db"), c.get("businessId"), id, c.req.valid("json").agentId);
    await audit(c, "number.assigned", { type: "number", id }, { number: row.e164, agentId: row.agentId });
    return c.json({ phoneNumber: phoneNumberJson(row) }, 200);
  })
  .delete("/phone-numbers/:id", requireRole(...MANAGERS), async (c) => {
    const gone = await releasePhoneNumber(c.var.services, c.get("businessId"), assertId(c.req.param("id"), "phone number"));
    await audit(c, "number.released", { type: "number", id: gone.id }, { number: gone.e164 });
    return c.body(null, 204);
  });
