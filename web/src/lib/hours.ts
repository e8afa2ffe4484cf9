/** A week of opening hours as the API holds them ({mon: [{start, end}], …}), its days and its checks, shared by the editor and onboarding. */

export type Day = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
export type Hours = Record<Day, { start: string; end: string }[]>;

export const DAYS: { key: Day; label: string }[] = [
  { key: "mon", label: "Monday" },
  { key: "tue", label: "Tuesday" },
  { key: "wed", label: "Wednesday" },
  { key: "thu", label: "Thursday" },
  { key: "fri", label: "Friday" },
  { key: "sat", label: "Saturday" },
  { key: "sun", label: "Sunday" },
];

export const DEFAULT_HOURS: Hours = {
  mon: [{ start: "09:00", end: "17:00" }],
  tue: [{ start: "09:00", end: "17:00" }],
  wed: [{ start: "09:00", end: "17:00" }],
  thu: [{ start: "09:00", end: "17:00" }],
  fri: [{ start: "09:00", end: "17:00" }],
  sat: [],
  sun: [],
};

/** Each day's ranges in order, each opening before it closes and apart from the one before (a break between them). */
export function checkHours(hours: Hours, path = "booking.businessHours"): Record<string, string> {
  const found: Record<string, string> = {};
  for (const { key, label } of DAYS) {
    const ranges = [...hours[key]].sort((a, b) => a.start.localeCompare(b.start));
    ranges.forEach((range, index) => {
      const previous = ranges[index - 1];
      if (!range.start || !range.end) found[`${path}.${key}`] ??= `${label}: give each opening and closing time.`;
      else if (range.start >= range.end) found[`${path}.${key}`] ??= `${label}: opening must be before closing (${range.start}–${range.end}).`;
      else if (previous && range.start < previous.end) found[`${path}.${key}`] ??= `${label}: ${range.start}–${range.end} overlaps ${previous.start}–${previous.end}.`;
    });
  }
  return found;
}

/** A missing day is a closed one (the API may store only the open days). */
export function fullHours(hours: Partial<Record<Day, { start: string; end: string }[] | undefined>>): Hours {
  return Object.fromEntries(DAYS.map(({ key }) => [key, hours[key] ?? []])) as Hours;
}
