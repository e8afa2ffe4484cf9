/**
 * A business's settings changed, all or nothing (docs/architecture.md §5): when its phone changes,
 * every number's fallback at Vapi follows it first (a refusal there changes nothing), then our row
 * is written; if that write fails, Vapi is pointed back at the phone our row still holds, so what
 * Vapi dials and what we show never disagree.
 */
import { eq } from "drizzle-orm";
import { businesses } from "../../db/schema";
import type { VapiClient } from "../../integrations/vapi/client";
import { describeError } from "../../lib/logger";
import type { AutoTopUpColumns } from "../billing/auto-top-up-settings";
import { assertDestinationAllowed } from "../destinations";
import { type PhoneNumberDeps, syncFallbackDestinations } from "../phone-numbers";

export type SettingsDeps = Omit<PhoneNumberDeps, "vapi"> & { vapi: () => VapiClient };

export interface BusinessChanges {
  name?: string;
  timezone?: string;
  phone?: string | null;
  lowCreditThreshold?: number;
  retentionDays?: number;
}

/** The settings with auto top-up's columns (services/billing/auto-top-up-settings.ts checked them). */
export type BusinessChangesWithTopUp = BusinessChanges & Partial<AutoTopUpColumns>;

/** Writes the changes; the phone with the numbers' fallback at Vapi kept in step. */
export async function updateBusinessSettings(
  deps: SettingsDeps,
  business: { id: string; phone: string | null },
  changes: BusinessChangesWithTopUp,
): Promise<void> {
  const newPhone = changes.phone && changes.phone !== business.phone ? changes.phone : null;
  // The business's phone is where calls are forwarded (out of credit, the numbers' fallback).
  if (newPhone) await assertDestinationAllowed(deps.db, deps.config, "phone", newPhone);
  if (newPhone) await syncFallbackDestinations(deps, business.id, newPhone, business.phone);
  try {
    await deps.db.update(businesses).set({ ...changes, updatedAt: new Date() }).where(eq(businesses.id, business.id));
  } catch (error) {
    if (newPhone) await restoreFallback(deps, business, newPhone);
    throw error;
  }
}

async function restoreFallback(deps: SettingsDeps, business: { id: string; phone: string | null }, newPhone: string) {
  if (!business.phone) {
    // Vapi's update cannot remove a fallback; the numbers keep dialling the new phone.
    deps.logger.error("business write failed after the numbers' fallback moved; there was no earlier phone to point it back at", { businessId: business.id });
    return;
  }
  try {
    await syncFallbackDestinations(deps, business.id, business.phone, newPhone);
  } catch (error) {
    deps.logger.error("business write failed and the numbers' fallback could not be put back", { businessId: business.id, ...describeError(error) });
  }
}
