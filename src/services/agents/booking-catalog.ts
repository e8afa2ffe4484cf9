/**
 * An agent's booking catalogue (docs/architecture.md §6, §12; docs/decisions/0320): services
 * (name, minutes, optional price, which staff offer them), staff (name, Google calendar, own
 * hours or the business's) and closures (inclusive date ranges in the agent's timezone). The
 * request schemas check each item's shape; what spans items (a service naming a staff member the
 * settings do not have, two services of one name) is checked here, on the settings as they will
 * be stored, so a PATCH that only changes `staff` cannot leave a service pointing at nobody.
 */
import type { BookingClosureSetting, BookingServiceSetting, BookingStaffSetting } from "../../db/schema";
import { AppError } from "../../errors";

export type BookingService = BookingServiceSetting;
export type BookingStaff = BookingStaffSetting;
export type BookingClosure = BookingClosureSetting;

export const CATALOG_LIMITS = {
  services: 50,
  staff: 20,
  closures: 100,
  name: 80,
  reason: 200,
  serviceMinutes: { min: 5, max: 720 },
  priceCents: 100_000_000,
  /** A closure of more than a year is a data-entry mistake, not a vacation. */
  closureDays: 366,
} as const;

/** Items as a request may send them: an id is optional (the server gives one). */
export interface CatalogInput {
  services?: (Omit<BookingService, "id"> & { id?: string | undefined })[] | undefined;
  staff?: (Omit<BookingStaff, "id"> & { id?: string | undefined })[] | undefined;
  closures?: BookingClosure[] | undefined;
}

export interface CatalogIssue {
  path: string;
  message: string;
}

const key = (name: string) => name.trim().toLocaleLowerCase();

/** The problems across items: duplicate ids and names, staffIds that name nobody. */
export function catalogIssues(catalog: { services: { id?: string | undefined; name: string; staffIds?: string[] | undefined }[]; staff: { id?: string | undefined; name: string }[] }): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  const duplicates = (items: { id?: string | undefined; name: string }[], path: string, what: string) => {
    const names = new Map<string, number>();
    const ids = new Map<string, number>();
    items.forEach((item, index) => {
      const seen = names.get(key(item.name));
      if (seen !== undefined) issues.push({ path: `${path}.${index}.name`, message: `another ${what} (${path}.${seen}) is already called "${item.name}"` });
      else names.set(key(item.name), index);
      if (item.id !== undefined) {
        const same = ids.get(item.id);
        if (same !== undefined) issues.push({ path: `${path}.${index}.id`, message: `another ${what} (${path}.${same}) already has the id "${item.id}"` });
        else ids.set(item.id, index);
      }
    });
  };
  duplicates(catalog.services, "booking.services", "service");
  duplicates(catalog.staff, "booking.staff", "staff member");
  const staffIds = new Set(catalog.staff.flatMap((member) => (member.id === undefined ? [] : [member.id])));
  catalog.services.forEach((service, index) => {
    for (const id of service.staffIds ?? []) {
      if (!staffIds.has(id)) issues.push({ path: `booking.services.${index}.staffIds`, message: `no staff member has the id "${id}"` });
    }
  });
  return issues;
}

/** Throws the API's 400 when the catalogue does not hold together. */
export function assertCatalog(catalog: Parameters<typeof catalogIssues>[0]): void {
  const issues = catalogIssues(catalog);
  const first = issues[0];
  if (first) throw new AppError("validation_failed", `${first.path}: ${first.message}`, issues);
}

/** Ids for items sent without one: short, stable once stored, never reused within the list. */
export function withIds<T extends { id?: string | undefined }>(items: T[], prefix: string): (T & { id: string })[] {
  const taken = new Set(items.flatMap((item) => (item.id ? [item.id] : [])));
  return items.map((item) => {
    if (item.id) return item as T & { id: string };
    let id: string;
    do id = `${prefix}_${crypto.randomUUID().replace(/-/g, "").slice(0, 10)}`;
    while (taken.has(id));
    taken.add(id);
    return { ...item, id };
  });
}

/** Drops keys whose value is undefined, so the jsonb holds only what was set. */
export function compact<T extends object>(item: T): T {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)) as T;
}
