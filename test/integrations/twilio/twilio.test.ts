import { describe, expect, it } from "vitest";
import { countSegments } from "../../../src/integrations/twilio/segments";
import { twilioSignature, verifyTwilioSignature } from "../../../src/integrations/twilio/signature";

// twilio-node spec/validation.spec.js: the documented example request and its signature.
const TOKEN = "12345";
const URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
const PARAMS: [string, string][] = [
  ["CallSid", "CA1234567890ABCDE"],
  ["Caller", "+14158675309"],
  ["Digits", "1234"],
  ["From", "+14158675309"],
  ["To", "+18005551212"],
];
const SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

describe("X-Twilio-Signature", () => {
  it("is computed as twilio-node computes it for Twilio's documented example", async () => {
    expect(await twilioSignature(TOKEN, URL, PARAMS)).toBe(SIGNATURE);
    // The order the parameters arrive in does not matter: they are sorted.
    expect(await twilioSignature(TOKEN, URL, [...PARAMS].reverse())).toBe(SIGNATURE);
  });

  it("verifies the example and refuses a tampered parameter, URL, or key", async () => {
    expect(await verifyTwilioSignature(TOKEN, SIGNATURE, URL, PARAMS)).toBe(true);
    const tampered = PARAMS.map(([name, value]): [string, string] => (name === "Digits" ? [name, "1235"] : [name, value]));
    expect(await verifyTwilioSignature(TOKEN, SIGNATURE, URL, tampered)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, SIGNATURE, "https://mycompany.com/myapp.php?foo=1&bar=3", PARAMS)).toBe(false);
    expect(await verifyTwilioSignature("54321", SIGNATURE, URL, PARAMS)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, await twilioSignature("54321", URL, PARAMS), URL, PARAMS)).toBe(false);
    expect(await verifyTwilioSignature(TOKEN, undefined, URL, PARAMS)).toBe(false);
  });

  it("accepts the URL with the default port written out, as twilio-node does", async () => {
    expect(await verifyTwilioSignature(TOKEN, SIGNATURE, "https://mycompany.com:443/myapp.php?foo=1&bar=2", PARAMS)).toBe(true);
    expect(await verifyTwilioSignature(TOKEN, SIGNATURE, "https://mycompany.com:8443/myapp.php?foo=1&bar=2", PARAMS)).toBe(false);
  });
});

describe("SMS segments", () => {
  it("counts GSM-7 as 160 in one segment and 153 per segment after", () => {
    expect(countSegments("")).toMatchObject({ encoding: "GSM-7", segments: 1 });
    expect(countSegments("a".repeat(160))).toMatchObject({ encoding: "GSM-7", segments: 1, units: 160 });
    expect(countSegments("a".repeat(161)).segments).toBe(2);
    expect(countSegments("a".repeat(306)).segments).toBe(2);
    expect(countSegments("a".repeat(307)).segments).toBe(3);
  });

  it("counts the extension table as two septets, never split across segments", () => {
    expect(countSegments("€".repeat(80))).toMatchObject({ encoding: "GSM-7", segments: 1, units: 160 });
    expect(countSegments(`${"a".repeat(159)}€`).segments).toBe(2);
    // 152 septets then a two-septet character: it moves whole into the second segment.
    expect(countSegments(`${"a".repeat(152)}[${"a".repeat(152)}`).segments).toBe(3);
  });

  it("counts anything else as UCS-2, 70 then 67 code units, keeping surrogate pairs whole", () => {
    expect(countSegments("é is GSM, but ł is not")).toMatchObject({ encoding: "UCS-2" });
    expect(countSegments("ł".repeat(70))).toMatchObject({ encoding: "UCS-2", segments: 1, units: 70 });
    expect(countSegments("ł".repeat(71)).segments).toBe(2);
    expect(countSegments("ł".repeat(134)).segments).toBe(2);
    expect(countSegments("😀".repeat(35))).toMatchObject({ segments: 1, units: 70 });
    // 66 units then an emoji (2 units) would straddle at 67: it moves whole.
    expect(countSegments(`${"ł".repeat(66)}😀${"ł".repeat(66)}`).segments).toBe(3);
    expect(countSegments(`${"ł".repeat(65)}😀${"ł".repeat(67)}`).segments).toBe(2);
  });
});
