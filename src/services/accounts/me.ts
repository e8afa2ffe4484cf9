/**
 * `/api/me`: the signed-in person with the business they are working in (its Google connection,
 * credits held and available, and every business they may switch to), and their settings changed
 * (services/accounts/profile.ts).
 */

import { businessesOf, loadBusiness } from "../businesses/business";
import type { Services } from "../create-services";
import { creditSummary } from "../credits";
import type { User } from "../identity/sessions";
import { type CurrentBusiness, loadGoogleConnection, userJson } from ".";
import { type ProfileChanges, updateProfile } from "./profile";

export async function showMe(deps: Pick<Services, "db" | "env">, user: User, current: CurrentBusiness | null) {
  const businessId = current?.business.id;
  const [google, businesses, credits] = await Promise.all([
    businessId ? loadGoogleConnection(deps.db, businessId) : null,
    businessesOf(deps.db, user.id),
    businessId && current ? creditSummary(deps.env, businessId, current.business.creditBalance) : { reserved: 0, available: 0 },
  ]);
  return { ...userJson(user, current, google), reserved: credits.reserved, available: credits.available, businesses };
}

/** Changes the settings (all or nothing, Vapi only touched for a change we can store), then the user as it now is. */
export async function updateMe(deps: Pick<Services, "db" | "config" | "logger" | "vapi">, user: User, current: CurrentBusiness | null, changes: ProfileChanges) {
  const updated = await updateProfile(deps, user, current, changes);
  const business = current ? await loadBusiness(deps.db, current.business.id) : null;
  const now = business && current ? { business, role: current.role } : null;
  return userJson(updated, now, now ? await loadGoogleConnection(deps.db, now.business.id) : null);
}
