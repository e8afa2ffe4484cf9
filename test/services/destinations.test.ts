import { describe, expect, it } from "vitest";
import { judgeDestination } from "../../src/services/destinations";

const usCa = { ALLOWED_DESTINATION_COUNTRIES: ["US", "CA"] };

describe("the destination policy (docs/architecture.md §13)", () => {
  it.each([
    ["+14155550123", "a US landline or mobile"],
    ["+16135550123", "a Canadian number"],
    ["+18005551234", "a US toll-free number"],
  ])("allows %s (%s)", async (number) => {
    expect(await judgeDestination(number, usCa)).toEqual({ ok: true });
  });

  it.each([
    ["+1415555012", "invalid_number", "too short"],
    ["14155550123", "invalid_number", "no plus"],
    ["+88213000000", "country_not_allowed", "an international premium range (no country)"],
    ["+18765550123", "country_not_allowed", "Jamaica, behind +1 like the US"],
    ["+447400123456", "country_not_allowed", "a UK mobile"],
    ["+19005551234", "number_type_not_allowed", "US premium rate"],
    ["+15005550100", "number_type_not_allowed", "US personal number (500)"],
  ])("refuses %s with %s (%s)", async (number, rule) => {
    expect(await judgeDestination(number, usCa)).toEqual({ ok: false, rule, message: expect.stringContaining(number) });
  });

  it("follows ALLOWED_DESTINATION_COUNTRIES", async () => {
    expect(await judgeDestination("+447400123456", { ALLOWED_DESTINATION_COUNTRIES: ["GB"] })).toEqual({ ok: true });
    expect(await judgeDestination("+14155550123", { ALLOWED_DESTINATION_COUNTRIES: ["GB"] })).toMatchObject({ ok: false, rule: "country_not_allowed" });
  });

  it("refuses one of our own numbers, whatever else it is", async () => {
    expect(await judgeDestination("+14155550123", usCa, true)).toMatchObject({ ok: false, rule: "own_number" });
  });
});
