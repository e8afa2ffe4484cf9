/**
 * `/api/me`: the signed-in user as the API shows it (with the Google connection, and on GET the
 * credits held and available), and their settings changed (services/accounts/profile.ts).
 * A row gone while its session lived (the account deleted) is 401, as a missing session is.
 */
import { AppError } from "../../errors";
import type { Services } from "../create-services";
import { creditSummary } from "../credits";
import { loadUserWithGoogle, userJson } from ".";
import { type ProfileChanges, updateProfile } from "./profile";

async function loadOrSignIn(deps: Pick<Services, "db">, userId: string) {
  const row = await loadUserWithGoogle(deps.db, userId);
  if (!row) throw new AppError("unauthenticated", "Sign in to continue.");
  return row;
}

export async function showMe(deps: Pick<Services, "db" | "env">, userId: string) {
  const row = await loadOrSignIn(deps, userId);
  const { reserved, available } = await creditSummary(deps.env, row.user.id, row.user.creditBalance);
  return { ...userJson(row.user, row.google), reserved, available };
}

/** Changes the settings (all or nothing, Vapi only touched for a change we can store), then the user as it now is. */
export async function updateMe(deps: Pick<Services, "db" | "config" | "logger" | "vapi">, user: { id: string; phone: string | null }, changes: ProfileChanges) {
  await updateProfile(deps, user, changes);
  const row = await loadOrSignIn(deps, user.id);
  return userJson(row.user, row.google);
}
