/**
 * User text cannot write lines into our e-mails (docs/architecture.md §7, §13): a name stored with line
 * breaks (before input was checked, or by an admin) is rendered on the line of our greeting.
 */
import { describe, expect, it } from "vitest";
import { inline, lowCreditEmail, passwordResetEmail, purchaseReceiptEmail } from "../../../src/integrations/email/templates";

const HOSTILE = "Dana\r\n\r\nACTION REQUIRED: call +1 555 0100 to keep your account\u2028Agentline Security\u0085Team\u0000";

const rendered = [
  passwordResetEmail({ name: HOSTILE, resetUrl: "http://127.0.0.1:8787/reset-password?token=abc", expiresAt: "2026-11-26T10:00:00.000Z" }),
  lowCreditEmail({ name: HOSTILE, balance: 3, threshold: 10, billingUrl: "http://127.0.0.1:8787/billing" }),
  purchaseReceiptEmail({ name: HOSTILE, credits: 100, amountCents: 1000, currency: "usd", balance: 100, reference: "cs_1", billingUrl: "http://127.0.0.1:8787/billing" }),
];

describe("e-mail templates and user-provided text", () => {
  it("no line of any template starts with (or consists of) user text", () => {
    for (const email of rendered) {
      const lines = email.text.split(/\r\n|\r|\n|\u2028|\u2029|\u0085/);
      expect(lines.filter((line) => /ACTION REQUIRED|Agentline Security|Team/.test(line))).toEqual([
        "Hi Dana ACTION REQUIRED: call +1 555 0100 to keep your account Agentline Security Team,",
      ]);
      expect(email.text).not.toMatch(/[\u0000\u0085\u2028]/);
      expect(email.html).not.toMatch(/[\u0000\u0085\u2028\r]|ACTION REQUIRED[^,]*\n/);
    }
  });

  it("the reset link's expiry reads in the owner's zone, not UTC (issue 21 defect 8)", () => {
    const email = passwordResetEmail({ name: "Rae", resetUrl: "http://127.0.0.1:8787/reset-password?token=abc", expiresAt: "2026-11-26T16:30:00.000Z", timezone: "America/Chicago" });
    expect(email.text).toContain("expires at 10:30 AM on Nov 26, 2026 (Chicago time)");
    expect(email.text).not.toContain("UTC");
    // A zone we cannot read (an old account, a bad value) falls back to UTC, said as such.
    expect(passwordResetEmail({ name: null, resetUrl: "http://x/r", expiresAt: "2026-11-26T16:30:00.000Z", timezone: "Not/AZone" }).text).toContain("4:30 PM on Nov 26, 2026 (UTC)");
  });

  it("inline() folds every control character and line break into one space", () => {
    expect(inline(" a\n\nb\tc\u0000d\u2029e ")).toBe("a b c d e");
    expect(inline("\n\n")).toBe("");
  });
});
