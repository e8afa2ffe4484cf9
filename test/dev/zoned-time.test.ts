/**
 * The dashboard's wall-clock arithmetic (web/src/lib/zoned-time.ts): the appointments page shows
 * days and takes a new time in the business's timezone, whatever the browser's own, and days when
 * the clocks change stay right.
 */
import { describe, expect, it } from "vitest";
import { addDays, weekStart, zonedInstant, zonedParts } from "../../web/src/lib/zoned-time";

describe("zoned time", () => {
  it("turns a wall-clock time in a zone into the instant, either side of a clock change", () => {
    expect(zonedInstant("2026-03-07", "10:00", "America/New_York").toISOString()).toBe("2026-03-07T15:00:00.000Z");
    expect(zonedInstant("2026-03-08", "03:00", "America/New_York").toISOString()).toBe("2026-03-08T07:00:00.000Z");
    expect(zonedInstant("2026-03-09", "10:00", "America/New_York").toISOString()).toBe("2026-03-09T14:00:00.000Z");
    expect(zonedInstant("2026-11-02", "00:00", "America/New_York").toISOString()).toBe("2026-11-02T05:00:00.000Z");
    expect(zonedInstant("2026-12-24", "09:30", "Europe/Berlin").toISOString()).toBe("2026-12-24T08:30:00.000Z");
    expect(zonedInstant("2026-07-01", "00:00", "UTC").toISOString()).toBe("2026-07-01T00:00:00.000Z");
  });

  it("reads an instant's date and time in a zone, and back", () => {
    expect(zonedParts("2026-03-08T07:00:00.000Z", "America/New_York")).toEqual({ date: "2026-03-08", time: "03:00" });
    expect(zonedParts("2026-12-24T23:30:00.000Z", "Europe/Berlin")).toEqual({ date: "2026-12-25", time: "00:30" });
    const { date, time } = zonedParts("2026-11-01T16:45:00.000Z", "America/Los_Angeles");
    expect(zonedInstant(date, time, "America/Los_Angeles").toISOString()).toBe("2026-11-01T16:45:00.000Z");
  });

  it("steps calendar days and finds the week's Monday", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(weekStart("2026-12-02")).toBe("2026-11-30");
    expect(weekStart("2026-12-06")).toBe("2026-11-30");
    expect(weekStart("2026-11-30")).toBe("2026-11-30");
  });
});
