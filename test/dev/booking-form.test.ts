/**
 * The agent editor's booking catalogue (web/src/lib/booking-form.ts): what the owner typed becomes
 * what PATCH /api/agents/:id takes, and the editor names mistakes before any request, keyed by
 * the API's own paths, so both land beside the same input.
 */
import { describe, expect, it } from "vitest";
import { type Catalog, catalogJson, checkCatalog, parsePrice } from "../../web/src/lib/booking-form";
import { DEFAULT_HOURS } from "../../web/src/lib/hours";

const catalog = (patch: Partial<Catalog> = {}): Catalog => ({
  services: [{ id: "sv_cut", name: " Haircut ", minutes: "45", price: "$40.50", staffIds: ["st_alex", "st_gone"] }],
  staff: [{ id: "st_alex", name: "Alex", calendarId: "alex@example.com", hours: null }],
  closures: [{ from: "2026-12-24", to: "", reason: " the holiday " }],
  ...patch,
});

describe("the booking catalogue in the editor", () => {
  it("sends trimmed names, whole minutes, prices in cents, only staff that exist, a one-day closure", () => {
    expect(catalogJson(catalog())).toEqual({
      services: [{ id: "sv_cut", name: "Haircut", minutes: 45, priceCents: 4050, staffIds: ["st_alex"] }],
      staff: [{ id: "st_alex", name: "Alex", calendarId: "alex@example.com" }],
      closures: [{ from: "2026-12-24", to: "2026-12-24", reason: "the holiday" }],
    });
    const open = catalogJson(catalog({ services: [{ id: "sv_a", name: "Any", minutes: "30", price: "", staffIds: [] }], staff: [{ id: "st_b", name: "Bea", calendarId: "b", hours: DEFAULT_HOURS }] }));
    expect(open.services[0]).toEqual({ id: "sv_a", name: "Any", minutes: 30 });
    expect(open.staff[0]).toEqual({ id: "st_b", name: "Bea", calendarId: "b", businessHours: DEFAULT_HOURS });
  });

  it("reads prices as people type them", () => {
    expect(parsePrice("")).toBeUndefined();
    expect(parsePrice("45")).toBe(4500);
    expect(parsePrice("$1,200.5")).toBe(120050);
    expect(parsePrice("forty")).toBeNaN();
    expect(parsePrice("4.555")).toBeNaN();
  });

  it("names each mistake at the API's path", () => {
    const problems = checkCatalog({
      services: [
        { id: "a", name: "Cut", minutes: "4", price: "x", staffIds: [] },
        { id: "b", name: "cut ", minutes: "30", price: "", staffIds: [] },
      ],
      staff: [{ id: "s", name: "", calendarId: "", hours: { ...DEFAULT_HOURS, mon: [{ start: "09:00", end: "12:00" }, { start: "11:00", end: "17:00" }] } }],
      closures: [{ from: "2026-12-26", to: "2026-12-24", reason: "" }],
    });
    expect(problems).toEqual({
      "booking.services.0.minutes": "A whole number of minutes from 5 to 720.",
      "booking.services.0.priceCents": "A price like 45 or 45.50, or leave it empty.",
      "booking.services.1.name": 'Another service is already called "cut".',
      "booking.staff.0.name": "Name the staff member, or remove them.",
      "booking.staff.0.calendarId": "Pick the Google calendar their appointments go in.",
      "booking.staff.0.businessHours.mon": "Monday: 11:00–17:00 overlaps 09:00–12:00.",
      "booking.closures.0.to": "The last day cannot be before the first.",
    });
    expect(checkCatalog(catalog())).toEqual({});
  });
});
