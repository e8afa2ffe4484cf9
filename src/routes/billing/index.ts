/**
 * `GET /api/billing/packs` (the credit packs on sale) and `POST /api/billing/checkout`
 * ({packId} → {url} of a Stripe Checkout page for it). Credits arrive with the webhook.
 */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { startCheckout } from "../../services/billing/checkout";
import { checkoutSchema } from "./schemas";

export const billingRoutes = new Hono<HonoEnv>()
  .get("/billing/packs", (c) => {
    const packs = c.get("config").CREDIT_PACKS.map(({ id, name, credits, priceCents, currency }) => ({ id, name, credits, priceCents, currency }));
    return c.json({ packs }, 200);
  })
  .post("/billing/checkout", requireUser(), validate("json", checkoutSchema), async (c) => {
    const { url } = await startCheckout(c.var.services, c.get("user"), c.req.valid("json").packId);
    return c.json({ url }, 200);
  });
