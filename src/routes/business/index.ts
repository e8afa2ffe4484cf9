/**
 * The business, the tenant (docs/architecture.md §7c, §12): `POST /api/session/business` switches
 * the session's current one, `POST /api/businesses` starts another (its creator the owner), and
 * `GET/PATCH /api/business` read and change the current one.
 */
import { Hono } from "hono";
import { AppError } from "../../errors";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { ANY_MEMBER, MANAGERS, requireRole, requireUser } from "../../middleware/auth";
import { showMe } from "../../services/accounts/me";
import { autoTopUpChanges } from "../../services/billing/auto-top-up-settings";
import { businessJson, businessWithMonth, createBusiness, loadBusiness, switchBusiness } from "../../services/businesses/business";
import { updateBusinessSettings } from "../../services/businesses/settings";
import { createBusinessBody, patchBusinessBody, switchBody } from "./schemas";

export const businessRoutes = new Hono<HonoEnv>()
  .use("/session/business", requireUser())
  .use("/businesses", requireUser())
  .use("/business", requireUser(), requireRole(...ANY_MEMBER))
  .post("/session/business", validate("json", switchBody), async (c) => {
    const current = await switchBusiness(c.var.services.db, c.get("session"), c.req.valid("json").businessId);
    return c.json({ user: await showMe(c.var.services, c.get("user"), current) }, 200);
  })
  .post("/businesses", validate("json", createBusinessBody), async (c) => {
    const { name, timezone } = c.req.valid("json");
    const business = await createBusiness(c.var.services.db, c.get("user"), { name, timezone: timezone ?? c.get("user").timezone }, c.get("session").id);
    return c.json({ business: businessJson(business) }, 201);
  })
  .get("/business", async (c) => c.json({ business: await businessWithMonth(c.var.services.db, c.get("business")) }, 200))
  .patch("/business", requireRole(...MANAGERS), validate("json", patchBusinessBody), async (c) => {
    const { autoTopUp, ...changes } = c.req.valid("json");
    const owner = c.get("membership")?.role === "owner";
    if (changes.lowCreditThreshold !== undefined && !owner) {
      throw new AppError("forbidden", "Only an owner can change the low-credit threshold (a billing setting).");
    }
    if (autoTopUp !== undefined && !owner) throw new AppError("forbidden", "Only an owner can change auto top-up (a billing setting).");
    const topUp = autoTopUp ? autoTopUpChanges(c.get("config"), c.get("business"), autoTopUp) : {};
    await updateBusinessSettings(c.var.services, c.get("business"), { ...changes, ...topUp });
    const business = await loadBusiness(c.var.services.db, c.get("businessId"));
    if (!business) throw new AppError("not_found", "No such business.");
    return c.json({ business: await businessWithMonth(c.var.services.db, business) }, 200);
  });

