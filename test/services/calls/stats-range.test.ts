/** `GET /api/stats`'s default range, with a fixed clock: 30 days ending today in the user's timezone. */
import { describe, expect, it } from "vitest";
import { statsRange } from "../../../src/services/calls/stats";

// 02:30 UTC on 1 March is still 28 February in Los Angeles.
const NOW = new Date("2026-03-01T02:30:00Z");

describe("statsRange", () => {
  it("ends today in the user's timezone when nothing is asked", () => {
    expect(statsRange({}, "America/Los_Angeles", NOW)).toEqual({ from: "2026-01-30", to: "2026-02-28" });
    expect(statsRange({}, "UTC", NOW)).toEqual({ from: "2026-01-31", to: "2026-03-01" });
  });

  it("fills the missing end or start to make 30 days", () => {
    expect(statsRange({ from: "2026-01-01" }, "UTC", NOW)).toEqual({ from: "2026-01-01", to: "2026-01-30" });
    expect(statsRange({ to: "2026-01-30" }, "UTC", NOW)).toEqual({ from: "2026-01-01", to: "2026-01-30" });
    expect(statsRange({ from: "2026-01-05", to: "2026-01-06" }, "UTC", NOW)).toEqual({ from: "2026-01-05", to: "2026-01-06" });
  });
});
