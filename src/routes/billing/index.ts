/**
 * `GET /api/billing/packs` (the credit packs on sale) and `POST /api/billing/checkout`
 * ({packId} → {url} of a Stripe Checkout page for it). Credits arrive with the webhook.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { HonoEnv } from "../../env";
import { AppError } from "../../errors";
import { singleLine } from "../../lib/schemas";
import { validate } from "../../lib/validate";
import { requireUser } from "../../middleware/auth";
import { createCheckoutSession } from "../../services/billing";
import { enforce } from "../../services/rate-limit";

/** Each checkout creates a Stripe session: enough for any buyer, not enough to flood Stripe. */
const CHECKOUTS_PER_HOUR = 20;

const checkoutSchema = z.object({ packId: singleLine.min(1).max(40) });

export const billingRoutes = new Hono<HonoEnv>()
  .get("/billing/packs", (c) => {
    const packs = c.get("config").CREDIT_PACKS.map(({ id, name, credits, priceCents, currency }) => ({ id, name, credits, priceCents, currency }));
    return c.json({ packs }, 200);
  })
  .post("/billing/checkout", requireUser(), validate("json", checkoutSchema), async (c) => {
    const config = c.get("config");
    const { packId } = c.req.valid("json");
    const pack = config.CREDIT_PACKS.find((candidate) => candidate.id === packId);
    if (!pack) {
      throw new AppError("validation_failed", `packId: no pack named "${packId}".`, [
        { path: "packId", message: `must be one of ${config.CREDIT_PACKS.map((p) => p.id).join(", ")}` },
      ]);
    }
    const stripe = await c.var.services.stripe();
    const user = c.get("user");
    await enforce(c.get("db"), { key: `checkout:user:${user.id}`, limit: CHECKOUTS_PER_HOUR, windowSeconds: 3600 });
    const session = await createCheckoutSession(c.get("db"), stripe, { config, user, pack });
    c.get("logger").info("checkout session created", { userId: user.id, packId: pack.id, sessionId: session.id });
    return c.json({ url: session.url }, 200);
  });
