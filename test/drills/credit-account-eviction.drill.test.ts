/**
 * Fault drill: the CreditAccount is evicted in the middle of a call. An evicted object loses
 * its memory (the cached account, the queue of work) but keeps its storage; the next request
 * builds a new instance over the same storage. What this proves: the hold taken at
 * assistant-request lives in storage, so after the eviction it still counts against the
 * balance, and the end-of-call settle charges once and releases it.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CreditAccount } from "../../src/durable-objects/credit-account";
import { creditAccount } from "../../src/services/credits";
import { expectLedgerConsistent } from "../support/credits";
import { testEnv } from "../support/env";
import { createUserWithCredits } from "../support/factories";

describe("drill: CreditAccount evicted mid-call", () => {
  it("the hold survives the eviction, still limits a second call, and settles once afterwards", async () => {
    const { user } = await createUserWithCredits(15);
    const stub = creditAccount(testEnv, user.id);
    const callId = `call-${crypto.randomUUID()}`;
    expect(await stub.reserve({ callId, maxCredits: 10, minCredits: 1, expiresInSeconds: 900 })).toMatchObject({ ok: true, held: 10 });

    await runInDurableObject(stub, async (_evicted, state) => {
      // What eviction leaves: the same storage under a new instance with empty memory.
      const fresh = new CreditAccount(state, testEnv);
      expect(await fresh.reserved()).toBe(10);
      // A second call can hold only what the first one left.
      expect(await fresh.reserve({ callId: `call-${crypto.randomUUID()}`, maxCredits: 10, minCredits: 1, expiresInSeconds: 900 })).toMatchObject({ ok: true, held: 5 });
      expect(await fresh.settle({ callId, seconds: 200 })).toMatchObject({ ok: true, charged: 4, duplicate: false, balance: 11, releasedHold: 10 });
      expect(await fresh.reserved()).toBe(5);
    });

    // The report redelivered to the original instance changes nothing.
    expect(await stub.settle({ callId, seconds: 200 })).toMatchObject({ ok: true, charged: 4, duplicate: true, balance: 11 });
    const { rows, balance } = await expectLedgerConsistent(user.id);
    expect(balance).toBe(11);
    expect(rows.filter((row) => row.idempotencyKey === `call:${callId}`)).toHaveLength(1);
  });
});
