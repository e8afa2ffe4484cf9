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

  it("inline() folds every control character and line break into one space", () => {
    expect(inline(" a\n\nb\tc\u0000d\u2029e ")).toBe("a b c d e");
    expect(inline("\n\n")).toBe("");
  });
});
