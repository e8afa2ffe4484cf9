import { describe, expect, it } from "vitest";
import { creditAccount } from "../../src/services/credits";
import { grantCredits } from "../support/credits";
import { testEnv } from "../support/env";
import { createUser } from "../support/factories";
import { smtpInbox } from "../support/smtp";

const inbox = smtpInbox();
const key = (label: string) => `test:${label}:${crypto.randomUUID()}`;

describe("low-credit warning, end to end", () => {
  it("a debit that crosses the threshold emails the owner once per crossing, through the queue and SMTP", async () => {
    const { user } = await createUser({ lowCreditThreshold: 10, name: "Morgan" });
    const account = creditAccount(testEnv, user.id);
    await grantCredits(user.id, 12);
    // 12 → 7: crosses. 7 → 4 → 1: already below, no new warning.
    for (const amount of [5, 3, 3]) await account.debit({ amount, kind: "call", idempotencyKey: key("call") });
    const [first] = await inbox.waitFor(user.email, 1);
    expect(first?.subject).toBe("Your Agentline credits are running low");
    expect(first?.text).toContain("down to 7 credits, below your warning level of 10 credits");
    expect(first?.html).toContain("<strong>7 credits</strong>");

    // Back above the threshold, then below again: a second crossing, a second email.
    await grantCredits(user.id, 20); // 21
    await account.debit({ amount: 13, kind: "call", idempotencyKey: key("call") }); // 8
    await account.debit({ amount: 8, kind: "call", idempotencyKey: key("call") }); // 0
    const received = await inbox.waitFor(user.email, 2);
    expect(received[1]?.text).toContain("down to 8 credits, below your warning level of 10 credits");
    expect(received).toHaveLength(2);
  });

  it("a retried debit (same key) does not send the warning twice", async () => {
    const { user } = await createUser({ lowCreditThreshold: 5 });
    const account = creditAccount(testEnv, user.id);
    await grantCredits(user.id, 6);
    const k = key("retried");
    const first = await account.debit({ amount: 2, kind: "call", idempotencyKey: k });
    const again = await account.debit({ amount: 2, kind: "call", idempotencyKey: k });
    expect(first).toMatchObject({ ok: true, duplicate: false, lowCreditQueued: true });
    // Queued again (at-least-once) under the same key: the consumer sends one email.
    expect(again).toMatchObject({ ok: true, duplicate: true, lowCreditQueued: true });
    await account.debit({ amount: 4, kind: "call", idempotencyKey: key("after") });
    await grantCredits(user.id, 10); // 10: at/above the threshold again
    await account.debit({ amount: 6, kind: "call", idempotencyKey: key("marker") }); // 4: second crossing, queued after the duplicate
    const received = await inbox.waitFor(user.email, 2);
    expect(received.map((email) => /down to (\d+) credits/.exec(email.text ?? "")?.[1])).toEqual(["4", "4"]);
    expect(received).toHaveLength(2);
  });
});
