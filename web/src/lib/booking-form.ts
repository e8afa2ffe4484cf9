/**
 * The booking catalogue (services, staff, closures; docs/architecture.md §6, §12) as the editor
 * holds it, and back: numbers and prices stay the text the owner typed until Save, a staff
 * member's own hours are null while they keep the business's. The checks mirror the API's
 * (routes/agents/schemas.ts, services/agents/booking-catalog.ts) so most mistakes are named
 * before any request, keyed by the same paths the API's details use.
 */
import type { Day, Hours } from "./hours";
import { checkHours, fullHours } from "./hours";

/** The catalogue as GET /api/agents/:id answers it inside `booking` (written out: this module knows no API client). */
type StoredCatalog = {
  services: { id: string; name: string; minutes: number; priceCents?: number | null | undefined; staffIds?: string[] | null | undefined }[];
  staff: { id: string; name: string; calendarId: string; businessHours?: Partial<Record<Day, { start: string; end: string }[] | undefined>> | null | undefined }[];
  closures: { from: string; to: string; reason?: string | null | undefined }[];
};

export type ServiceRow = { id: string; name: string; minutes: string; price: string; staffIds: string[] };
export type StaffRow = { id: string; name: string; calendarId: string; hours: Hours | null };
export type ClosureRow = { from: string; to: string; reason: string };
export type Catalog = { services: ServiceRow[]; staff: StaffRow[]; closures: ClosureRow[] };

export const SERVICE_MINUTES = { min: 5, max: 720 } as const;
export const CATALOG_MAX = { services: 50, staff: 20, closures: 100, name: 80, reason: 200 } as const;

/** A short id for a new item, so a service can name a staff member added in the same edit. */
export function newItemId(prefix: "sv" | "st"): string {
  return `${prefix}_${crypto.randomUUID().replace(/-/g, "").slice(0, 10)}`;
}

const priceText = (cents: number | undefined) => (cents === undefined ? "" : (cents / 100).toFixed(2).replace(/\.00$/, ""));

export function catalogFrom(booking: StoredCatalog): Catalog {
  return {
    services: booking.services.map((service) => ({
      id: service.id,
      name: service.name,
      minutes: String(service.minutes),
      price: priceText(service.priceCents ?? undefined),
      staffIds: service.staffIds ?? [],
    })),
    staff: booking.staff.map((member) => ({ id: member.id, name: member.name, calendarId: member.calendarId, hours: member.businessHours ? fullHours(member.businessHours) : null })),
    closures: booking.closures.map((closure) => ({ from: closure.from, to: closure.to, reason: closure.reason ?? "" })),
  };
}

/** "45", "$45", "45.50" → cents; "" → undefined (no price); anything else → NaN. */
export function parsePrice(text: string): number | undefined {
  const trimmed = text.trim().replace(/^\$/, "").replace(/,/g, "");
  if (!trimmed) return undefined;
  if (!/^\d+(\.\d{1,2})?$/.test(trimmed)) return Number.NaN;
  return Math.round(Number(trimmed) * 100);
}

/** The catalogue as PATCH /api/agents/:id takes it inside `booking`. */
export function catalogJson(catalog: Catalog) {
  const staffIds = new Set(catalog.staff.map((member) => member.id));
  return {
    services: catalog.services.map((service) => {
      const priceCents = parsePrice(service.price);
      const offeredBy = service.staffIds.filter((id) => staffIds.has(id));
      return {
        id: service.id,
        name: service.name.trim(),
        minutes: Number(service.minutes),
        ...(priceCents === undefined ? {} : { priceCents }),
        ...(offeredBy.length ? { staffIds: offeredBy } : {}),
      };
    }),
    staff: catalog.staff.map((member) => ({ id: member.id, name: member.name.trim(), calendarId: member.calendarId.trim(), ...(member.hours ? { businessHours: member.hours } : {}) })),
    closures: catalog.closures.map((closure) => ({ from: closure.from, to: closure.to || closure.from, ...(closure.reason.trim() ? { reason: closure.reason.trim() } : {}) })),
  };
}

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/** What the editor can say is wrong before asking the API, keyed like the API's detail paths. */
export function checkCatalog(catalog: Catalog): Record<string, string> {
  const found: Record<string, string> = {};
  catalog.services.forEach((service, index) => {
    const at = `booking.services.${index}`;
    const minutes = Number(service.minutes);
    if (!service.name.trim()) found[`${at}.name`] = "Name the service, or remove it.";
    else if (catalog.services.slice(0, index).some((other) => sameName(other.name, service.name))) found[`${at}.name`] = `Another service is already called "${service.name.trim()}".`;
    if (!Number.isInteger(minutes) || minutes < SERVICE_MINUTES.min || minutes > SERVICE_MINUTES.max)
      found[`${at}.minutes`] = `A whole number of minutes from ${SERVICE_MINUTES.min} to ${SERVICE_MINUTES.max}.`;
    if (Number.isNaN(parsePrice(service.price))) found[`${at}.priceCents`] = "A price like 45 or 45.50, or leave it empty.";
  });
  catalog.staff.forEach((member, index) => {
    const at = `booking.staff.${index}`;
    if (!member.name.trim()) found[`${at}.name`] = "Name the staff member, or remove them.";
    else if (catalog.staff.slice(0, index).some((other) => sameName(other.name, member.name))) found[`${at}.name`] = `Another staff member is already called "${member.name.trim()}".`;
    if (!member.calendarId.trim()) found[`${at}.calendarId`] = "Pick the Google calendar their appointments go in.";
    if (member.hours) Object.assign(found, checkHours(member.hours, `${at}.businessHours`));
  });
  catalog.closures.forEach((closure, index) => {
    const at = `booking.closures.${index}`;
    if (!closure.from) found[`${at}.from`] = "Pick the first day you are closed.";
    else if (closure.to && closure.to < closure.from) found[`${at}.to`] = "The last day cannot be before the first.";
  });
  return found;
}

/** The problems under `prefix` that no field of the editor shows by name (the API may name others). */
export function otherProblems(problems: Record<string, string>, prefix: string, shown: readonly string[]): string[] {
  return Object.entries(problems)
    .filter(([path]) => (path === prefix || path.startsWith(`${prefix}.`)) && !shown.some((field) => path === `${prefix}.${field}` || path.startsWith(`${prefix}.${field}.`)))
    .map(([, message]) => message);
}
