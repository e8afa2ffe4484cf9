/**
 * `PATCH /api/me`'s change, all or nothing (docs/architecture.md §5): when the owner's phone changes, every
 * number's fallback at Vapi follows it first (a refusal there changes nothing), then our row is
 * written; if that write fails, Vapi is pointed back at the phone our row still holds, so what
 * Vapi dials and what we show never disagree. The body is validated whole before this runs.
 */
import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import type { VapiClient } from "../../integrations/vapi/client";
import { describeError } from "../../lib/logger";
import { assertDestinationAllowed } from "../destinations";
import { type PhoneNumberDeps, syncFallbackDestinations } from "../phone-numbers";

export interface ProfileChanges {
  name?: string | null;
  phone?: string | null;
  timezone?: string;
  lowCreditThreshold?: number;
}

type ProfileDeps = Omit<PhoneNumberDeps, "vapi"> & { vapi: () => VapiClient };

export async function updateProfile(deps: ProfileDeps, user: { id: string; phone: string | null }, changes: ProfileChanges): Promise<void> {
  const newPhone = changes.phone && changes.phone !== user.phone ? changes.phone : null;
  // The owner's phone is where calls are forwarded (out of credit, the numbers' fallback).
  if (newPhone) await assertDestinationAllowed(deps.db, deps.config, "phone", newPhone);
  if (newPhone) await syncFallbackDestinations(deps, user.id, newPhone, user.phone);
  try {
    await deps.db.update(users).set({ ...changes, updatedAt: new Date() }).where(eq(users.id, user.id));
  } catch (error) {
    if (newPhone) await restoreFallback(deps, user, newPhone);
    throw error;
  }
}

async function restoreFallback(deps: ProfileDeps, user: { id: string; phone: string | null }, newPhone: string) {
  if (!user.phone) {
    // Vapi's update cannot remove a fallback; the numbers keep dialling the new phone.
    deps.logger.error("profile write failed after the numbers' fallback moved; there was no earlier phone to point it back at", { userId: user.id });
    return;
  }
  try {
    await syncFallbackDestinations(deps, user.id, user.phone, newPhone);
  } catch (error) {
    deps.logger.error("profile write failed and the numbers' fallback could not be put back", { userId: user.id, ...describeError(error) });
  }
}
