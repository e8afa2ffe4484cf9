/**
 * `POST /api/billing/checkout`'s steps: the pack by its id (400 naming the choices), the Stripe
 * client (503 without a key, before anything is counted), the per-business limit, then the session.
 */
import { findPack } from "../../config/packs";
import { AppError } from "../../errors";
import type { Services } from "../create-services";
import { enforce } from "../rate-limit";
import { type Buyer, createCheckoutSession } from ".";

/** Each checkout creates a Stripe session: enough for any buyer, not enough to flood Stripe. */
const CHECKOUTS_PER_HOUR = 20;

export async function startCheckout(
  services: Pick<Services, "config" | "db" | "logger" | "stripe">,
  user: Buyer,
  packId: string,
  saveCard = false,
): Promise<{ url: string }> {
  const { config, db } = services;
  const pack = findPack(config.CREDIT_PACKS, packId);
  if (!pack) {
    throw new AppError("validation_failed", `packId: no pack named "${packId}".`, [
      { path: "packId", message: `must be one of ${config.CREDIT_PACKS.map((p) => p.id).join(", ")}` },
    ]);
  }
  const stripe = await services.stripe();
  await enforce(db, { key: `checkout:business:${user.id}`, limit: CHECKOUTS_PER_HOUR, windowSeconds: 3600 });
  const session = await createCheckoutSession(db, stripe, { config, user, pack, saveCard });
  services.logger.info("checkout session created", { businessId: user.id, packId: pack.id, sessionId: session.id });
  return { url: session.url };
}
