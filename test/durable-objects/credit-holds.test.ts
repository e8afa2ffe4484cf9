import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { CreditAccount } from "../../src/durable-objects/credit-account";
import type { Hold } from "../../src/durable-objects/credit-account/holds";
import { callCharge } from "../../src/durable-objects/credit-account/holds";
import { creditAccount } from "../../src/services/credits";
import { expectLedgerConsistent, storedBalance } from "../support/credits";
import { testEnv } from "../support/env";
import { createUserWithCredits } from "../support/factories";

const callId = () => `call-${crypto.randomUUID()}`;
const reserveFor = (id: string, maxCredits = 10) => ({ callId: id, maxCredits, minCredits: 1, expiresInSeconds: 900 });

describe("CreditAccount: reserve, then settle", () => {
  it("two calls at once never hold more than the balance: 12 credits hold 10 and 2, a third is refused", async () => {
    const { user } = await createUserWithCredits(12);
    const account = creditAccount(testEnv, user.id);
    const [a, b] = await Promise.all([account.reserve(reserveFor(callId())), account.reserve(reserveFor(callId()))]);
    const held = [a, b].map((r) => (r.ok ? r.held : -1)).sort((x, y) => x - y);
    expect(held).toEqual([2, 10]);
    expect(await account.reserve(reserveFor(callId()))).toEqual({ ok: false, reason: "insufficient_credits", available: 0, forward: false });
    expect(await account.reserved()).toBe(12);
    // Holds are not money that moved: the ledger has only the grant.
    expect((await expectLedgerConsistent(user.id)).rows).toHaveLength(1);
  });

  it("many concurrent reservations never hold more than the balance", async () => {
    const { user } = await createUserWithCredits(25);
    const account = creditAccount(testEnv, user.id);
    const results = await Promise.all(Array.from({ length: 8 }, () => account.reserve(reserveFor(callId()))));
    const total = results.reduce((sum, r) => sum + (r.ok ? r.held : 0), 0);
    expect(total).toBe(25);
    expect(results.filter((r) => !r.ok)).toHaveLength(5);
  });

  it("a redelivered reservation finds its hold again", async () => {
    const { user } = await createUserWithCredits(30);
    const account = creditAccount(testEnv, user.id);
    const id = callId();
    expect(await account.reserve(reserveFor(id))).toMatchObject({ ok: true, held: 10, duplicate: false });
    expect(await account.reserve(reserveFor(id))).toMatchObject({ ok: true, held: 10, duplicate: true });
    expect(await account.reserved()).toBe(10);
  });

  it("settle debits the real charge once and releases the hold", async () => {
    const { user } = await createUserWithCredits(20);
    const account = creditAccount(testEnv, user.id);
    const id = callId();
    await account.reserve(reserveFor(id));
    const settled = await account.settle({ callId: id, seconds: 125 });
    expect(settled).toEqual({ ok: true, charged: 3, duplicate: false, balance: 17, releasedHold: 10 });
    expect(await account.reserved()).toBe(0);
    expect(await account.settle({ callId: id, seconds: 125 })).toMatchObject({ ok: true, charged: 3, duplicate: true, balance: 17 });
    const { rows } = await expectLedgerConsistent(user.id);
    expect(rows.filter((row) => row.kind === "call").map((row) => [row.delta, row.idempotencyKey])).toEqual([[-3, `call:${id}`]]);
  });

  it("a report without a hold settles once, and a call that outran the balance takes what is left", async () => {
    const { user } = await createUserWithCredits(2);
    const account = creditAccount(testEnv, user.id);
    const id = callId();
    const results = await Promise.all(Array.from({ length: 5 }, () => account.settle({ callId: id, seconds: 300 })));
    expect(results.filter((r) => r.ok && !r.duplicate)).toHaveLength(1);
    expect(results.every((r) => r.ok && r.charged === 2)).toBe(true);
    expect(await storedBalance(user.id)).toBe(0);
    expect((await expectLedgerConsistent(user.id)).rows).toHaveLength(2);
  });

  it("an expired hold is voided by the alarm and the credits are available again", async () => {
    const { user } = await createUserWithCredits(10);
    const account = creditAccount(testEnv, user.id);
    const id = callId();
    await account.reserve(reserveFor(id));
    expect(await account.reserve(reserveFor(callId()))).toMatchObject({ ok: false, reason: "insufficient_credits" });
    await runInDurableObject(account, async (_instance, state) => {
      // A hold outlives its call by 25 minutes, so the object that voids it is usually not the one
      // that made it (an idle object is evicted long before): age the stored hold, then let a
      // fresh instance over the same storage run the alarm.
      const hold = state.storage.kv.get<Hold>(`hold:${id}`);
      if (!hold) throw new Error("no hold stored");
      state.storage.kv.put(`hold:${id}`, { ...hold, expiresAt: Date.now() - 1 });
      expect(await state.storage.getAlarm()).not.toBeNull();
      const afterEviction = new CreditAccount(state, testEnv);
      await afterEviction.alarm();
      expect([...state.storage.kv.list({ prefix: "hold:" })]).toEqual([]);
      expect(await state.storage.getAlarm()).toBeNull();
      expect(await afterEviction.reserved()).toBe(0);
      expect(await afterEviction.reserve(reserveFor(callId()))).toMatchObject({ ok: true, held: 10 });
      // The late report of the expired call still settles once.
      expect(await afterEviction.settle({ callId: id, seconds: 60 })).toMatchObject({ ok: true, charged: 1, releasedHold: 0 });
    });
    await expectLedgerConsistent(user.id);
  });

  it("a settled charge never exceeds its hold: 90 credits, 9 holds of 10, 900 s reports charge 10 each", async () => {
    const { user } = await createUserWithCredits(90);
    const account = creditAccount(testEnv, user.id);
    const ids = Array.from({ length: 30 }, callId);
    const holds = await Promise.all(ids.map((id) => account.reserve(reserveFor(id))));
    const accepted = ids.filter((_, i) => holds[i]?.ok);
    expect(accepted).toHaveLength(9);
    const settled = await Promise.all(accepted.map((id) => account.settle({ callId: id, seconds: 900, maxCredits: 10 })));
    expect(settled.map((r) => (r.ok ? r.charged : -1))).toEqual(Array(9).fill(10));
    const { rows, balance } = await expectLedgerConsistent(user.id);
    expect(rows.filter((row) => row.kind === "call").map((row) => row.delta)).toEqual(Array(9).fill(-10));
    expect(balance).toBe(0);
  });

  it("with no live hold the charge is capped at maxCredits; with no length it is the hold (never free)", async () => {
    const { user } = await createUserWithCredits(50);
    const account = creditAccount(testEnv, user.id);
    expect(await account.settle({ callId: callId(), seconds: 3600, maxCredits: 10 })).toMatchObject({ ok: true, charged: 10 });
    const held = callId();
    await account.reserve(reserveFor(held, 7));
    expect(await account.settle({ callId: held, maxCredits: 10 })).toMatchObject({ ok: true, charged: 7, releasedHold: 7 });
    expect(await account.settle({ callId: callId(), maxCredits: 10 })).toMatchObject({ ok: true, charged: 10, releasedHold: 0 });
    expect((await expectLedgerConsistent(user.id)).balance).toBe(23);
  });

  it("a call whose hold was settled or voided opens no second hold (a replayed assistant-request)", async () => {
    const { user } = await createUserWithCredits(100);
    const account = creditAccount(testEnv, user.id);
    const settledCall = callId();
    expect(await account.reserve(reserveFor(settledCall))).toMatchObject({ ok: true, held: 10 });
    await account.settle({ callId: settledCall, seconds: 60 });
    expect(await account.reserve(reserveFor(settledCall))).toEqual({ ok: false, reason: "call_over" });
    const voidedCall = callId();
    await account.reserve(reserveFor(voidedCall));
    await runInDurableObject(account, async (_instance, state) => {
      const hold = state.storage.kv.get<Hold>(`hold:${voidedCall}`);
      if (!hold) throw new Error("no hold stored");
      state.storage.kv.put(`hold:${voidedCall}`, { ...hold, expiresAt: Date.now() - 1 });
      // A fresh instance over the same storage (the object was evicted) remembers both.
      const afterEviction = new CreditAccount(state, testEnv);
      await afterEviction.alarm();
      expect(await afterEviction.reserve(reserveFor(voidedCall))).toEqual({ ok: false, reason: "call_over" });
      expect(await afterEviction.reserve(reserveFor(settledCall))).toEqual({ ok: false, reason: "call_over" });
      expect(await afterEviction.reserved()).toBe(0);
    });
  });

  it("out-of-credit forwards: at most forwardsPerDay calls a day, the same call answered the same again", async () => {
    const { user } = await createUserWithCredits(0);
    const account = creditAccount(testEnv, user.id);
    const [a, b, c] = [callId(), callId(), callId()];
    const refused = (id: string) => account.reserve({ ...reserveFor(id), forwardsPerDay: 2 });
    expect(await refused(a)).toMatchObject({ ok: false, reason: "insufficient_credits", forward: true });
    expect(await refused(b)).toMatchObject({ forward: true });
    expect(await refused(c)).toMatchObject({ forward: false });
    expect(await refused(a)).toMatchObject({ forward: true });
    expect(await account.forward({ callId: callId(), forwardsPerDay: 2 })).toEqual({ allowed: false });
    expect(await account.forward({ callId: b, forwardsPerDay: 2 })).toEqual({ allowed: true });
    await runInDurableObject(account, async (_instance, state) => {
      // Yesterday's count does not hold today's calls back.
      state.storage.kv.put("forwards", { day: "2000-01-01", callIds: [a, b] });
    });
    expect(await account.forward({ callId: c, forwardsPerDay: 2 })).toEqual({ allowed: true });
  });

  it("a call forwarded just before UTC midnight and redelivered just after is answered the same and not counted again", async () => {
    const { user } = await createUserWithCredits(0);
    const account = creditAccount(testEnv, user.id);
    const [a, b, c, d, e] = [callId(), callId(), callId(), callId(), callId()];
    const yesterday = new Date(Date.now() - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    await runInDurableObject(account, async (_instance, state) => {
      state.storage.kv.put("forwards", { day: yesterday, callIds: [a, b] });
    });
    expect(await account.forward({ callId: a, forwardsPerDay: 2 })).toEqual({ allowed: true });
    // Today's two forwards are still today's.
    expect(await account.forward({ callId: c, forwardsPerDay: 2 })).toEqual({ allowed: true });
    expect(await account.forward({ callId: d, forwardsPerDay: 2 })).toEqual({ allowed: true });
    expect(await account.forward({ callId: e, forwardsPerDay: 2 })).toEqual({ allowed: false });
    expect(await account.forward({ callId: b, forwardsPerDay: 2 })).toEqual({ allowed: true });
  });

  it("charges ceil(seconds / 60) credits per minute", () => {
    expect([0, 1, 59, 60, 61, 120, 121].map((s) => callCharge(s, 1, 0))).toEqual([0, 1, 1, 1, 2, 2, 3]);
    expect(callCharge(90, 2, 0)).toBe(3);
    expect(callCharge(20, 1, 30)).toBe(0);
  });
});
