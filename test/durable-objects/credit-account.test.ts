import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { recordRefundState } from "../../src/services/billing/refunds";
import { creditAccount } from "../../src/services/credits";
import { adjustOutsideTheObject, expectLedgerConsistent, grantCredits, ledgerOf, storedBalance } from "../support/credits";
import { db } from "../support/db";
import { testEnv } from "../support/env";
import { createUser } from "../support/factories";

const key = (label: string) => `test:${label}:${crypto.randomUUID()}`;

describe("CreditAccount: credits and debits", () => {
  it("credits and debits move the balance and append one ledger row each", async () => {
    const { user } = await createUser();
    const account = creditAccount(testEnv, user.id);
    const credited = await account.credit({ amount: 50, kind: "adjustment", idempotencyKey: key("c"), description: "welcome" });
    expect(credited).toMatchObject({ ok: true, duplicate: false, balance: 50, entry: { delta: 50, balanceAfter: 50, kind: "adjustment" } });
    const debited = await account.debit({ amount: 7, kind: "call", idempotencyKey: key("d") });
    expect(debited).toMatchObject({ ok: true, duplicate: false, balance: 43, entry: { delta: -7, balanceAfter: 43, kind: "call" } });
    expect(await account.balance()).toBe(43);
    const { rows, balance } = await expectLedgerConsistent(user.id);
    expect(balance).toBe(43);
    expect(rows.map((row) => [row.kind, row.delta, row.balanceAfter, row.description])).toEqual([
      ["adjustment", 50, 50, "welcome"],
      ["call", -7, 43, null],
    ]);
  });

  it("a repeated idempotency key returns the first result and changes nothing", async () => {
    const { user } = await createUser();
    const account = creditAccount(testEnv, user.id);
    const k = key("once");
    const first = await account.credit({ amount: 30, kind: "adjustment", idempotencyKey: k });
    await account.debit({ amount: 5, kind: "call", idempotencyKey: key("d") });
    const again = await account.credit({ amount: 30, kind: "adjustment", idempotencyKey: k });
    expect(again).toMatchObject({ ok: true, duplicate: true, balance: 25 });
    if (!first.ok || !again.ok) throw new Error("unexpected refusal");
    expect(again.entry).toEqual(first.entry);
    // A debit retried with its key is a duplicate too, even when the balance could no longer pay for it.
    const debitKey = key("big");
    await account.debit({ amount: 20, kind: "call", idempotencyKey: debitKey });
    const retried = await account.debit({ amount: 20, kind: "call", idempotencyKey: debitKey });
    expect(retried).toMatchObject({ ok: true, duplicate: true, balance: 5, entry: { delta: -20, balanceAfter: 5 } });
    expect((await expectLedgerConsistent(user.id)).rows).toHaveLength(3);
  });

  it("refuses a debit larger than the balance, unless partial debits are allowed", async () => {
    const { user } = await createUser();
    const account = creditAccount(testEnv, user.id);
    await grantCredits(user.id, 10);
    expect(await account.debit({ amount: 11, kind: "call", idempotencyKey: key("short") })).toEqual({
      ok: false,
      reason: "insufficient_credits",
      balance: 10,
      requested: 11,
    });
    const partial = await account.debit({ amount: 14, kind: "call", idempotencyKey: key("partial"), allowPartial: true });
    expect(partial).toMatchObject({ ok: true, balance: 0, shortfall: 4, entry: { delta: -10, balanceAfter: 0 } });
    const nothingLeft = await account.debit({ amount: 3, kind: "call", idempotencyKey: key("zero"), allowPartial: true });
    expect(nothingLeft).toMatchObject({ ok: true, balance: 0, shortfall: 3, entry: null });
    expect(await storedBalance(user.id)).toBe(0);
    expect((await expectLedgerConsistent(user.id)).rows).toHaveLength(2);
  });

  it("rejects malformed changes before touching the database", async () => {
    const { user } = await createUser();
    const account = creditAccount(testEnv, user.id);
    // Called on the instance: a rejecting RPC leaks an unhandled rejection in the test pool
    // (workers-sdk#14736), so the error is caught inside the object and returned as text.
    const errors = await runInDurableObject(account, async (instance) => {
      const attempts = [
        () => instance.credit({ amount: 0, kind: "adjustment", idempotencyKey: key("zero") }),
        () => instance.debit({ amount: 1.5, kind: "call", idempotencyKey: key("frac") }),
        () => instance.credit({ amount: 5, kind: "adjustment", idempotencyKey: "" }),
        // @ts-expect-error a debit kind is not a credit kind
        () => instance.credit({ amount: 5, kind: "call", idempotencyKey: key("kind") }),
      ];
      const messages: string[] = [];
      for (const attempt of attempts) {
        try {
          await attempt();
          messages.push("accepted");
        } catch (error) {
          messages.push(error instanceof Error ? error.name : String(error));
        }
      }
      return messages;
    });
    expect(errors).toEqual(["ZodError", "ZodError", "ZodError", "ZodError"]);
    expect(await ledgerOf(user.id)).toHaveLength(0);
  });

  it("answers no_such_user for an object whose user does not exist, and writes nothing", async () => {
    const ghost = crypto.randomUUID();
    expect(await creditAccount(testEnv, ghost).credit({ amount: 5, kind: "adjustment", idempotencyKey: key("ghost") })).toEqual({
      ok: false,
      reason: "no_such_user",
    });
    expect(await ledgerOf(ghost)).toHaveLength(0);
  });

  it("canAcceptCall is false at zero and true with credits", async () => {
    const { user } = await createUser();
    const account = creditAccount(testEnv, user.id);
    expect(await account.canAcceptCall()).toBe(false);
    await grantCredits(user.id, 1);
    expect(await account.canAcceptCall()).toBe(true);
    await account.debit({ amount: 1, kind: "call", idempotencyKey: key("last") });
    expect(await account.canAcceptCall()).toBe(false);
  });
});

describe("CreditAccount: serialization", () => {
  it("100 concurrent debits leave an exact balance and a gapless ledger", async () => {
    const { user } = await createUser({ lowCreditThreshold: 0 });
    await grantCredits(user.id, 250);
    const account = creditAccount(testEnv, user.id);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => account.debit({ amount: 2, kind: "call", idempotencyKey: key(`debit-${i}`) })),
    );
    expect(results.every((result) => result.ok && !result.duplicate)).toBe(true);
    expect(await storedBalance(user.id)).toBe(50);
    expect(await account.balance()).toBe(50);
    const { rows } = await expectLedgerConsistent(user.id);
    expect(rows).toHaveLength(101);
    // Every intermediate balance appears exactly once: no two debits read the same balance.
    const afters = rows.slice(1).map((row) => row.balanceAfter).sort((a, b) => b - a);
    expect(afters).toEqual(Array.from({ length: 100 }, (_, i) => 248 - 2 * i));
  });

  it("concurrent debits that together exceed the balance: exactly as many succeed as it pays for", async () => {
    const { user } = await createUser({ lowCreditThreshold: 0 });
    await grantCredits(user.id, 30);
    const account = creditAccount(testEnv, user.id);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => account.debit({ amount: 2, kind: "call", idempotencyKey: key(`race-${i}`) })),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(15);
    expect(results.filter((result) => !result.ok)).toHaveLength(5);
    expect(await storedBalance(user.id)).toBe(0);
    await expectLedgerConsistent(user.id);
  });

  it("the same key sent 10 times at once credits once", async () => {
    const { user } = await createUser();
    const account = creditAccount(testEnv, user.id);
    const k = key("burst");
    const results = await Promise.all(Array.from({ length: 10 }, () => account.credit({ amount: 100, kind: "purchase", idempotencyKey: k })));
    expect(results.filter((result) => result.ok && !result.duplicate)).toHaveLength(1);
    expect(await storedBalance(user.id)).toBe(100);
    expect(await ledgerOf(user.id)).toHaveLength(1);
  });
});

describe("CreditAccount: cache", () => {
  it("rebuilds its balance from Postgres after the object is evicted", async () => {
    const { user } = await createUser();
    const account = creditAccount(testEnv, user.id);
    await grantCredits(user.id, 40);
    expect(await account.balance()).toBe(40);
    await abortAllDurableObjects();
    const fresh = creditAccount(testEnv, user.id);
    expect(await fresh.balance()).toBe(40);
    await fresh.debit({ amount: 15, kind: "call", idempotencyKey: key("after-eviction") });
    expect(await storedBalance(user.id)).toBe(25);
    await expectLedgerConsistent(user.id);
  });

  it("a balance changed behind the object's back is detected, re-read and never overwritten", async () => {
    const { user } = await createUser();
    const account = creditAccount(testEnv, user.id);
    await grantCredits(user.id, 20);
    expect(await account.balance()).toBe(20);
    await adjustOutsideTheObject(user.id, 5);
    const result = await account.debit({ amount: 3, kind: "call", idempotencyKey: key("stale") });
    expect(result).toMatchObject({ ok: true, balance: 22, entry: { balanceAfter: 22 } });
    await expectLedgerConsistent(user.id);
    // A debit the stale cache would refuse goes through once the object has looked again.
    await adjustOutsideTheObject(user.id, 100);
    expect(await account.debit({ amount: 50, kind: "call", idempotencyKey: key("big") })).toMatchObject({ ok: true, balance: 72 });
    await expectLedgerConsistent(user.id);
  });

  it("remembers its user in storage", async () => {
    const { user } = await createUser();
    const account = creditAccount(testEnv, user.id);
    await account.balance();
    expect(await runInDurableObject(account, (_instance, state) => state.storage.kv.get("businessId"))).toBe(user.id);
  });
});

describe("CreditAccount: low credit", () => {
  it("flags exactly the change that crosses the threshold, once per crossing", async () => {
    const { user } = await createUser({ lowCreditThreshold: 10 });
    const account = creditAccount(testEnv, user.id);
    const granted = await grantCredits(user.id, 15);
    expect(granted.lowCreditQueued).toBe(false);
    const flags: boolean[] = [];
    for (const amount of [4, 1, 3, 2, 5]) {
      const result = await account.debit({ amount, kind: "call", idempotencyKey: key("low") });
      if (!result.ok) throw new Error("refused");
      flags.push(result.lowCreditQueued);
    }
    // 15 → 11 → 10 (at the threshold: not below) → 7 (crossed) → 5 → 0
    expect(flags).toEqual([false, false, true, false, false]);
    await grantCredits(user.id, 20);
    const again = await account.debit({ amount: 11, kind: "call", idempotencyKey: key("low-again") });
    expect(again).toMatchObject({ ok: true, balance: 9, lowCreditQueued: true });
  });
});

describe("CreditAccount: refunds", () => {
  async function purchased(credits: number) {
    const { user } = await createUser({ lowCreditThreshold: 0 });
    const sessionId = `cs_test_${crypto.randomUUID().replace(/-/g, "")}`;
    const account = creditAccount(testEnv, user.id);
    await account.credit({ amount: credits, kind: "purchase", idempotencyKey: `stripe:checkout:${sessionId}`, stripeCheckoutSessionId: sessionId });
    return { user, sessionId, account };
  }

  it("two refund events racing take back exactly the refunded share, in either order", async () => {
    const { user, sessionId, account } = await purchased(100);
    // As the webhook does: each refund state is recorded, then the account is asked to settle.
    const refund = async (amountRefunded: number) => {
      await recordRefundState(db, { chargeId: `ch_${sessionId}`, checkoutSessionId: sessionId, businessId: user.id, amountCharged: 1000, amountRefunded, currency: "usd" });
      return account.settlePayment({ stripeCheckoutSessionId: sessionId });
    };
    const results = await Promise.all([refund(1000), refund(300)]);
    expect(results.map((r) => (r.ok ? -r.refund : -1)).reduce((a, b) => a + b, 0)).toBe(100);
    expect(await storedBalance(user.id)).toBe(0);
    await expectLedgerConsistent(user.id);
  });

  it("a purchase bought under another key is still one purchase per checkout session", async () => {
    const { user, sessionId, account } = await purchased(100);
    const other = await account.credit({ amount: 100, kind: "purchase", idempotencyKey: `other-key:${sessionId}`, stripeCheckoutSessionId: sessionId });
    expect(other).toMatchObject({ ok: true, duplicate: true, balance: 100 });
    expect(await ledgerOf(user.id)).toHaveLength(1);
  });

  it("settling a session never credited is purchase_not_found and changes nothing", async () => {
    const { user } = await createUser();
    const result = await creditAccount(testEnv, user.id).settlePayment({ stripeCheckoutSessionId: "cs_test_never" });
    expect(result).toEqual({ ok: false, reason: "purchase_not_found", balance: 0 });
    expect(await ledgerOf(user.id)).toEqual([]);
  });
});
