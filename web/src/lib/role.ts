/**
 * What the signed-in person may do in the current business (docs/architecture.md §7c), read
 * from `/api/me`: `business.role` (top level, or on `user` — either shape is read), "owner"
 * when the API does not say (a single-owner account). The navigation and the screens ask
 * `allowed(role, area)`; the API checks every request again, so this only hides what would be
 * refused.
 */
import { useQuery } from "@tanstack/react-query";
import { meQuery } from "./queries";

export type Role = "owner" | "admin" | "staff";
export type BusinessEntry = { id: string; name: string; role: Role };

/** The screens and actions a role decides; staff see calls (and appointments), and agents and numbers read-only. */
export type Area = "overview" | "calls" | "settings" | "agents" | "numbers" | "edit" | "integrations" | "billing" | "members" | "audit";

const AREAS: Record<Role, ReadonlySet<Area>> = {
  owner: new Set<Area>(["overview", "calls", "settings", "agents", "numbers", "edit", "integrations", "billing", "members", "audit"]),
  admin: new Set<Area>(["overview", "calls", "settings", "agents", "numbers", "edit", "integrations"]),
  staff: new Set<Area>(["overview", "calls", "settings"]),
};

export function allowed(role: Role, area: Area): boolean {
  return AREAS[role].has(area);
}

const isRole = (value: unknown): value is Role => value === "owner" || value === "admin" || value === "staff";

type MeShape = { user?: { business?: { role?: unknown } | null; businesses?: unknown } | null; business?: { role?: unknown } | null; businesses?: unknown };

/** The role in the current business from an `/api/me` answer. */
export function roleFrom(me: unknown): Role {
  const shape = (me ?? {}) as MeShape;
  const role = shape.business?.role ?? shape.user?.business?.role;
  return isRole(role) ? role : "owner";
}

/** The businesses the person belongs to (the switcher shows itself for more than one). */
export function businessesFrom(me: unknown): { current: string | null; list: BusinessEntry[] } {
  const shape = (me ?? {}) as MeShape & { business?: { id?: unknown } | null; user?: { business?: { id?: unknown } | null } | null };
  const raw = Array.isArray(shape.businesses) ? shape.businesses : Array.isArray(shape.user?.businesses) ? shape.user.businesses : [];
  const list = raw.filter(
    (entry): entry is BusinessEntry => typeof entry === "object" && entry !== null && typeof entry.id === "string" && typeof entry.name === "string" && isRole(entry.role),
  );
  const current = shape.business?.id ?? shape.user?.business?.id;
  return { current: typeof current === "string" ? current : null, list };
}

export function useRole(): Role {
  const me = useQuery(meQuery);
  return roleFrom(me.data);
}
