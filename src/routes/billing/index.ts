/**
 * `GET /api/billing/packs` (the credit packs on sale) and `POST /api/billing/checkout`
 * ({packId} → {url} of a Stripe Checkout page for it). Credits arrive with the webhook.
 */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { validate } from "../../lib/validate";
import { requireRole, requireUser } from "../../middleware/auth";
import { startCheckout } from "../../services/billing/checkout";
import { audit } from "../audit";
import { checkoutSchema } from "./schemas";

export const billingRoutes = new Hono<HonoEnv>()
  .get("/billing/packs", (c) => {
    const packs = c.get("config").CREDIT_PACKS.map(({ id, name, credits, priceCents, currency }) => ({ id, name, credits, priceCents, currency }));
    return c.json({ packs }, 200);
  })
  // Billing is the owner's (docs/architecture.md §7c).
  .post("/billing/checkout", requireUser(), requireRole("owner"), validate("json", checkoutSchema), async (c) => {
    const business = c.get("business");
    const buyer = { id: business.id, email: c.get("user").email, name: business.name, stripeCustomerId: business.stripeCustomerId };
    const { packId, saveCard } = c.req.valid("json");
    const { url } = await startCheckout(c.var.services, buyer, packId, saveCard);
    await audit(c, "billing.checkout_started", { type: "pack", id: packId });
    return c.json({ url }, 200);
  });
