/**
 * The owner's auto top-up choices (`PATCH /api/business {autoTopUp}`, ADR 0211), checked against
 * the business as it is, so a partial change is judged with the fields it leaves alone: the pack
 * must be on sale, the level a sensible number of credits, the monthly cap at least one pack's
 * price (else no top-up could ever be made), and turning it on needs a card saved at checkout.
 * Saving it turned on also lifts a pause: the owner has seen why it stopped and chosen to go on.
 */
import type { Config } from "../../config/env";
import { findPack, formatMoney } from "../../config/packs";
import type { businesses } from "../../db/schema";
import { AppError } from "../../errors";

type Business = typeof businesses.$inferSelect;

export interface AutoTopUpInput {
  enabled?: boolean | undefined;
  packId?: string | undefined;
  whenBelow?: number | undefined;
  monthlyCapCents?: number | undefined;
}

/** The business columns the change writes. */
export interface AutoTopUpColumns {
  autoTopUpEnabled: boolean;
  autoTopUpPackId: string | null;
  autoTopUpWhenBelow: number | null;
  autoTopUpMonthlyCapCents: number | null;
  autoTopUpPausedReason?: null;
  autoTopUpPausedAt?: null;
}

/** Highest level accepted: far above any pack, low enough that a typo is caught. */
export const MAX_WHEN_BELOW = 100_000;

export function autoTopUpChanges(config: Pick<Config, "CREDIT_PACKS">, business: Business, input: AutoTopUpInput): AutoTopUpColumns {
  const next = {
    enabled: input.enabled ?? business.autoTopUpEnabled,
    packId: input.packId ?? business.autoTopUpPackId,
    whenBelow: input.whenBelow ?? business.autoTopUpWhenBelow,
    monthlyCapCents: input.monthlyCapCents ?? business.autoTopUpMonthlyCapCents,
  };
  const problems: { path: string; message: string }[] = [];
  const pack = next.packId ? findPack(config.CREDIT_PACKS, next.packId) : undefined;
  if (next.packId && !pack) problems.push({ path: "autoTopUp.packId", message: `no pack named "${next.packId}"; choose one of ${config.CREDIT_PACKS.map((p) => p.id).join(", ")}` });
  if (next.whenBelow !== null && (next.whenBelow < 1 || next.whenBelow > MAX_WHEN_BELOW)) {
    problems.push({ path: "autoTopUp.whenBelow", message: `must be between 1 and ${MAX_WHEN_BELOW.toLocaleString("en-US")} credits` });
  }
  if (pack && next.monthlyCapCents !== null && next.monthlyCapCents < pack.priceCents) {
    problems.push({ path: "autoTopUp.monthlyCapCents", message: `must be at least one ${pack.name} pack's price (${formatMoney(pack.priceCents, pack.currency)}), or no top-up could be made` });
  }
  if (next.enabled) {
    if (!next.packId) problems.push({ path: "autoTopUp.packId", message: "choose the pack to buy" });
    if (next.whenBelow === null) problems.push({ path: "autoTopUp.whenBelow", message: "choose the level below which to top up" });
    if (next.monthlyCapCents === null) problems.push({ path: "autoTopUp.monthlyCapCents", message: "choose the most to spend in a month" });
    if (!business.stripePaymentMethodId) {
      problems.push({ path: "autoTopUp.enabled", message: "save a card first: buy credits once with \"Save my card for auto top-up\" ticked" });
    }
  }
  if (problems.length > 0) {
    throw new AppError("validation_failed", `autoTopUp: ${problems.map((p) => `${p.path.replace("autoTopUp.", "")} ${p.message}`).join("; ")}.`, problems);
  }
  return {
    autoTopUpEnabled: next.enabled,
    autoTopUpPackId: next.packId,
    autoTopUpWhenBelow: next.whenBelow,
    autoTopUpMonthlyCapCents: next.monthlyCapCents,
    ...(next.enabled ? { autoTopUpPausedReason: null, autoTopUpPausedAt: null } : {}),
  };
}
