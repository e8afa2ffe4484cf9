/**
 * temporal-polyfill is loaded on first use (services/google/time.ts, ADR 0900): a helper used
 * before an entry point awaited `loadTemporal()` throws rather than misbehaving, and after it the
 * helpers answer as before.
 */
import { describe, expect, it } from "vitest";
import { loadTemporal, parseStart, spokenMoment } from "../../../src/services/google/time";

describe("services/google/time: temporal-polyfill on first use", () => {
  it("refuses to work before loadTemporal(), then answers in the agent's timezone", async () => {
    expect(() => parseStart("2026-03-10T15:30:00Z", "America/New_York")).toThrow(/loadTemporal/);
    await loadTemporal();
    await loadTemporal(); // cheap to await again
    const start = parseStart("2026-03-10T15:30", "America/New_York");
    expect(start?.toISOString()).toBe("2026-03-10T19:30:00.000Z");
    expect(spokenMoment(start as Date, "America/New_York", new Date("2026-03-09T12:00:00Z"))).toBe("Tuesday at 3:30 PM");
  });
});
