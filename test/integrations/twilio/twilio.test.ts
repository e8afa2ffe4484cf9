import { beforeAll, describe, expect, it } from "vitest";
import { countSegments } from "../../../src/integrations/twilio/segments";
import { twilioSignature, verifyTwilioSignature } from "../../../src/integrations/twilio/signature";
import { loadTemporal } from "../../../src/services/google/time";
import { classifyReply } from "../../../src/services/texts/keywords";
import { nextSendableAt } from "../../../src/services/texts/quiet-hours";

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

describe("reply keywords", () => {
  it("knows the carriers' opt-out and opt-in words, HELP, and C / X, trimmed and in any case", () => {
    for (const word of ["STOP", "stopall", " Unsubscribe ", "cancel", "End", "QUIT", "Stop."]) expect(classifyReply(word), word).toBe("opt_out");
    for (const word of ["START", "unstop", "Start!"]) expect(classifyReply(word), word).toBe("opt_in");
    expect(classifyReply(" help ")).toBe("help");
    expect(classifyReply("c")).toBe("confirm");
    expect(classifyReply("X ")).toBe("cancel");
  });

  it("reads anything longer as a message for the owner", () => {
    for (const body of ["stop calling me", "Can I come at 3 instead?", "CX", "", "yes"]) expect(classifyReply(body), body).toBe("message");
  });
});

describe("quiet hours", () => {
  beforeAll(loadTemporal);
  const at = (iso: string) => new Date(iso);

  it("lets a text go between 08:00 and 21:00 where the business is", () => {
    expect(nextSendableAt(at("2026-06-10T12:00:00Z"), "America/New_York").toISOString()).toBe("2026-06-10T12:00:00.000Z"); // 08:00 EDT
    expect(nextSendableAt(at("2026-06-11T00:59:00Z"), "America/New_York").toISOString()).toBe("2026-06-11T00:59:00.000Z"); // 20:59 EDT
  });

  it("holds a text due in the evening or the night until 08:00", () => {
    expect(nextSendableAt(at("2026-06-11T01:00:00Z"), "America/New_York").toISOString()).toBe("2026-06-11T12:00:00.000Z"); // 21:00 EDT
    expect(nextSendableAt(at("2026-06-10T11:59:00Z"), "America/New_York").toISOString()).toBe("2026-06-10T12:00:00.000Z"); // 07:59 EDT
  });

  it("is DST-correct: the next 08:00 is the wall clock on the other side of the change", () => {
    // 22:00 EST on 7 March 2026; clocks spring forward that night: 08:00 EDT is 12:00 UTC.
    expect(nextSendableAt(at("2026-03-08T03:00:00Z"), "America/New_York").toISOString()).toBe("2026-03-08T12:00:00.000Z");
    // 22:00 EDT on 31 October 2026; clocks fall back that night: 08:00 EST is 13:00 UTC.
    expect(nextSendableAt(at("2026-11-01T02:00:00Z"), "America/New_York").toISOString()).toBe("2026-11-01T13:00:00.000Z");
    // 23:30 GMT on 28 March 2026 in London; BST starts that night: 08:00 BST is 07:00 UTC.
    expect(nextSendableAt(at("2026-03-28T23:30:00Z"), "Europe/London").toISOString()).toBe("2026-03-29T07:00:00.000Z");
  });
});
