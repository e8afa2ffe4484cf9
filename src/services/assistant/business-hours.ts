/**
 * Business hours as the API and the database hold them: `{mon: [{start: "09:00", end: "17:00"}],
 * …, sun: []}` in the agent's timezone, a missing or empty day meaning closed (docs/architecture.md §12).
 * "24:00" is allowed as an end, for hours that run to midnight.
 */
export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Day = (typeof DAYS)[number];

export interface TimeRange {
  start: string;
  end: string;
}
export type BusinessHours = Record<Day, TimeRange[]>;

export const DAY_NAMES: Record<Day, string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};

/** Every day present, each day's ranges sorted by start. */
export function normalizeBusinessHours(hours: Partial<Record<string, TimeRange[] | undefined>> | null | undefined): BusinessHours {
  const out = {} as BusinessHours;
  for (const day of DAYS) {
    out[day] = [...(hours?.[day] ?? [])]
      .map((range) => ({ start: range.start, end: range.end }))
      .sort((a, b) => a.start.localeCompare(b.start));
  }
  return out;
}

export function hasOpenHours(hours: Partial<Record<string, TimeRange[] | undefined>> | null | undefined): boolean {
  return DAYS.some((day) => (hours?.[day]?.length ?? 0) > 0);
}

/** "Monday: 09:00–12:00, 13:00–17:00" per line; closed days say so. */
export function describeBusinessHours(hours: Partial<Record<string, TimeRange[] | undefined>>): string {
  const normalized = normalizeBusinessHours(hours);
  return DAYS.map((day) => {
    const ranges = normalized[day];
    return `${DAY_NAMES[day]}: ${ranges.length ? ranges.map((r) => `${r.start}–${r.end}`).join(", ") : "closed"}`;
  }).join("\n");
}
