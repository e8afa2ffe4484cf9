/**
 * `PATCH /api/me`'s change, all or nothing (docs/architecture.md §5). The person's own settings
 * (name, timezone) are theirs; `phone` and `lowCreditThreshold` are the current business's, so
 * they need the role that may change them (§7c): the phone an owner or admin, the threshold (a
 * billing setting) the owner (services/businesses/settings.ts writes them). The body is
 * validated whole before this runs.
 */
import { eq } from "drizzle-orm";
import { users } from "../../db/schema";
import { AppError } from "../../errors";
import { type SettingsDeps, updateBusinessSettings } from "../businesses/settings";
import type { User } from "../identity/sessions";
import type { CurrentBusiness } from ".";

export interface ProfileChanges {
  name?: string | null;
  phone?: string | null;
  timezone?: string;
  lowCreditThreshold?: number;
}

export async function updateProfile(deps: SettingsDeps, user: User, current: CurrentBusiness | null, changes: ProfileChanges): Promise<User> {
  const { name, timezone, phone, lowCreditThreshold } = changes;
  const businessChanges = { ...(phone !== undefined ? { phone } : {}), ...(lowCreditThreshold !== undefined ? { lowCreditThreshold } : {}) };
  if (Object.keys(businessChanges).length > 0) {
    if (!current) throw new AppError("forbidden", "phone and lowCreditThreshold are settings of a business; you are not a member of one.");
    if (phone !== undefined && current.role === "staff") throw new AppError("forbidden", "Only an owner or admin can change the business's phone.");
    if (lowCreditThreshold !== undefined && current.role !== "owner") throw new AppError("forbidden", "Only an owner can change the low-credit threshold (a billing setting).");
    await updateBusinessSettings(deps, current.business, businessChanges);
  }
  const personChanges = { ...(name !== undefined ? { name } : {}), ...(timezone !== undefined ? { timezone } : {}) };
  if (Object.keys(personChanges).length === 0) return user;
  const [updated] = await deps.db.update(users).set({ ...personChanges, updatedAt: new Date() }).where(eq(users.id, user.id)).returning();
  return updated ?? user;
}
