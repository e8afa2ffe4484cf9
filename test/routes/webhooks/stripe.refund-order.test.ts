/**
 * A purchase and its refunds in every order (docs/architecture.md §13, issue #10 item 1): Stripe promises no
 * order, so `charge.refunded` can arrive while `checkout.session.completed` is still being
 * retried. Whatever order, however often each is redelivered, the end state is the same: a
 * fully refunded purchase leaves no credits, a partial refund takes back its share, and the
 * ledger stays exact. Events are the Stripe stand-in's own (held at its relay, then delivered
 * in the order under test), re-signed on each delivery as Stripe signs each attempt.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { creditTransactions } from "../../../src/db/schema";
import { creditAccount } from "../../../src/services/credits";
import { expectLedgerConsistent, storedBalance } from "../../support/credits";
import { db } from "../../support/db";
import { testEnv } from "../../support/env";
import { createUser } from "../../support/factories";
import { call } from "../../support/http";
import { holdWebhook } from "../../support/relay";
import { postWebhook, signEvent, stripeStandIn } from "../../support/stripe";

const stripe = stripeStandIn();

/** Buys the starter pack (100 credits, $10.00) through the stand-in and refunds it as asked; returns the events, undelivered. */
async function purchaseWithRefunds(refundCents: (number | undefined)[]) {
  const { user, cookie } = await createUser();
  const checkout = await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "starter" } });
  const { url } = (await checkout.json()) as { url: string };
  const sessionId = url.split("/pay/")[1] as string;
  const [, completedDelivery] = await Promise.all([
    fetch(url, { method: "POST", body: new URLSearchParams({ email: user.email }), redirect: "manual" }),
    holdWebhook("stripe"),
  ]);
  const completed = { payload: completedDelivery.body };
  const paymentIntent = (JSON.parse(completed.payload) as { data: { object: { payment_intent: string } } }).data.object.payment_intent;
  const refunds = [];
  for (const cents of refundCents) {
    const [refund, delivery] = await Promise.all([
      stripe.api("POST", "/v1/refunds", { payment_intent: paymentIntent, ...(cents ? { amount: String(cents) } : {}) }),
      holdWebhook("stripe"),
    ]);
    expect(refund.status).toBe(200);
    expect(JSON.parse(delivery.body)).toMatchObject({ type: "charge.refunded" });
    refunds.push({ payload: delivery.body });
  }
  return { user, sessionId, completed, refunds };
}

async function deliver(event: { payload: string }) {
  const { payload, signature } = await signEvent(JSON.parse(event.payload) as unknown);
  const response = await postWebhook(payload, signature);
  expect(response.status, await response.clone().text()).toBe(200);
  return ((await response.json()) as { outcome: string }).outcome;
}

async function expectEndState(businessId: string, sessionId: string, balance: number) {
  expect(await storedBalance(businessId)).toBe(balance);
  await expectLedgerConsistent(businessId);
  const rows = await db.select().from(creditTransactions).where(and(eq(creditTransactions.businessId, businessId), eq(creditTransactions.stripeCheckoutSessionId, sessionId)));
  expect(rows.filter((row) => row.kind === "purchase").map((row) => row.delta)).toEqual([100]);
  expect(rows.filter((row) => row.kind === "refund").reduce((sum, row) => sum + row.delta, 0)).toBe(balance - 100);
}

/** Every distinct order of a multiset of event names. */
function orders<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  const seen = new Set<T>();
  const out: T[][] = [];
  items.forEach((item, index) => {
    if (seen.has(item)) return;
    seen.add(item);
    for (const rest of orders([...items.slice(0, index), ...items.slice(index + 1)])) out.push([item, ...rest]);
  });
  return out;
}

describe("a purchase and its refunds, in every order", () => {
  it("full refund: each of completion and refund delivered twice, in all 6 orders, leaves no credits", async () => {
    for (const order of orders(["completed", "completed", "refund", "refund"])) {
      const { user, sessionId, completed, refunds } = await purchaseWithRefunds([undefined]);
      for (const name of order) await deliver(name === "completed" ? completed : refunds[0]!);
      await expectEndState(user.id, sessionId, 0);
    }
  });

  it("the refund first is recorded and answered 200; the completion then credits the pack net of it", async () => {
    const { user, sessionId, completed, refunds } = await purchaseWithRefunds([undefined]);
    expect(await deliver(refunds[0]!)).toMatch(new RegExp(`^recorded the refund of ch_\\w+: ${sessionId} is not credited yet`));
    expect(await storedBalance(user.id)).toBe(0);
    const outcome = `credited 100 credits for ${sessionId}; took back 100 credits refunded before it was credited`;
    expect(await deliver(completed)).toBe(outcome);
    // Stripe's retry of the same event is answered from the record of the first.
    expect(await deliver(completed)).toBe(outcome);
    await expectEndState(user.id, sessionId, 0);
  });

  it("a quarter, then the rest: all 6 orders of the three events, then all redelivered backwards", async () => {
    for (const order of orders(["completed", "quarter", "rest"])) {
      const { user, sessionId, completed, refunds } = await purchaseWithRefunds([250, undefined]);
      const byName = { completed, quarter: refunds[0]!, rest: refunds[1]! };
      for (const name of [...order, ...[...order].reverse()]) await deliver(byName[name as keyof typeof byName]);
      await expectEndState(user.id, sessionId, 0);
    }
  });

  it("a partial refund alone takes back its share in either order, redeliveries included", async () => {
    for (const order of orders(["completed", "completed", "quarter"])) {
      const { user, sessionId, completed, refunds } = await purchaseWithRefunds([250]);
      for (const name of order) await deliver(name === "completed" ? completed : refunds[0]!);
      await expectEndState(user.id, sessionId, 75);
    }
  });

  it("completion and refunds delivered at the same moment, several times over", async () => {
    const { user, sessionId, completed, refunds } = await purchaseWithRefunds([250, undefined]);
    await Promise.all([completed, refunds[1]!, refunds[0]!, completed, refunds[1]!, completed].map(deliver));
    await expectEndState(user.id, sessionId, 0);
  });
});

/**
 * Stripe's later word wins (docs/architecture.md §4, issue 17 item 7, ADR 0210): a refund that fails gives back
 * what it took, a dispute takes back what is left of the pack and a dispute won gives it back.
 * The events are the stand-in's, made as Stripe's test mode makes them: the 5126 test card's
 * refunds fail a moment after they succeed, the 0259 card's charge is disputed.
 */
describe("Stripe's later word wins: failed refunds and disputes, in every order", () => {
  /** Pays for the starter pack on the hosted page with `card`; returns the held completion and what followed it. */
  async function purchaseWithCard(card: string, followers = 0) {
    const { user, cookie } = await createUser({ lowCreditThreshold: 0 });
    const checkout = await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "starter" } });
    const { url } = (await checkout.json()) as { url: string };
    const sessionId = url.split("/pay/")[1] as string;
    const [, completedDelivery] = await Promise.all([fetch(url, { method: "POST", body: new URLSearchParams({ email: user.email, card }), redirect: "manual" }), holdWebhook("stripe")]);
    const after = [];
    for (let i = 0; i < followers; i++) after.push({ payload: (await holdWebhook("stripe")).body });
    const paymentIntent = (JSON.parse(completedDelivery.body) as { data: { object: { payment_intent: string } } }).data.object.payment_intent;
    return { user, sessionId, paymentIntent, completed: { payload: completedDelivery.body }, after };
  }

  /** Makes a Stripe API request through the stand-in and holds the `count` events it causes. */
  async function causing(count: number, request: () => Promise<{ status: number }>) {
    const [response, first] = await Promise.all([request(), holdWebhook("stripe")]);
    const held = [first];
    expect(response.status).toBe(200);
    for (let i = 1; i < count; i++) held.push(await holdWebhook("stripe"));
    return held.map((delivery) => ({ type: (JSON.parse(delivery.body) as { type: string }).type, payload: delivery.body }));
  }

  async function expectKinds(businessId: string, sessionId: string, balance: number, sums: { refund: number; dispute: number }) {
    expect(await storedBalance(businessId)).toBe(balance);
    await expectLedgerConsistent(businessId);
    const rows = await db.select().from(creditTransactions).where(and(eq(creditTransactions.businessId, businessId), eq(creditTransactions.stripeCheckoutSessionId, sessionId)));
    const sum = (kind: string) => rows.filter((row) => row.kind === kind).reduce((total, row) => total + row.delta, 0);
    expect({ purchase: sum("purchase"), refund: sum("refund"), dispute: sum("dispute") }).toEqual({ purchase: 100, ...sums });
  }

  /** A refund of the whole payment on the 5126 card: charge.refunded, then the three events of its failure. */
  async function failedRefund() {
    const bought = await purchaseWithCard("4000 0000 0000 5126");
    const events = await causing(4, () => stripe.api("POST", "/v1/refunds", { payment_intent: bought.paymentIntent }));
    expect(events.map((event) => event.type)).toEqual(["charge.refunded", "charge.refund.updated", "refund.updated", "refund.failed"]);
    const [refunded, chargeRefundUpdated, refundUpdated, failed] = events;
    return { ...bought, refunded: refunded!, chargeRefundUpdated: chargeRefundUpdated!, refundUpdated: refundUpdated!, failed: failed! };
  }

  it("a refund that fails gives back what it took: all 6 orders of completion, refund and failure, then all redelivered backwards", async () => {
    for (const order of orders(["completed", "refunded", "failed"])) {
      const { user, sessionId, completed, refunded, failed, chargeRefundUpdated, refundUpdated } = await failedRefund();
      const byName = { completed, refunded, failed };
      for (const name of [...order, ...[...order].reverse()]) await deliver(byName[name as keyof typeof byName]);
      // The other two reports of the same failure change nothing more.
      await deliver(chargeRefundUpdated);
      await deliver(refundUpdated);
      // Nothing was taken for good: whatever a refund row took, a refund row gave back.
      await expectKinds(user.id, sessionId, 100, { refund: 0, dispute: 0 });
    }
  });

  it("the failure gives back once, though Stripe reports it three times (charge.refund.updated, refund.updated, refund.failed)", async () => {
    const { user, sessionId, completed, refunded, failed, chargeRefundUpdated, refundUpdated } = await failedRefund();
    expect(await deliver(completed)).toBe(`credited 100 credits for ${sessionId}`);
    expect(await deliver(refunded)).toMatch(/^took back 100 credits for ch_/);
    expect(await deliver(refundUpdated)).toMatch(/^refund re_\w+ failed: gave back 100 credits$/);
    expect(await deliver(failed)).toMatch(/^refund re_\w+ failed: nothing to change$/);
    expect(await deliver(chargeRefundUpdated)).toMatch(/^refund re_\w+ failed: nothing to change$/);
    await expectKinds(user.id, sessionId, 100, { refund: 0, dispute: 0 });
  });

  it("a refund of spent credits took only what was left; its failure gives back exactly that", async () => {
    const { user, completed, refunded, failed } = await failedRefund();
    await deliver(completed);
    await creditAccount(testEnv, user.id).debit({ amount: 60, kind: "call", idempotencyKey: `test:${crypto.randomUUID()}` });
    expect(await deliver(refunded)).toMatch(/^took back 40 credits for ch_\w+ \(60 already spent\)$/);
    expect(await deliver(failed)).toMatch(/gave back 40 credits$/);
    expect(await deliver(failed)).toMatch(/gave back 40 credits$/); // Stripe's redelivery is answered from the record
    expect(await storedBalance(user.id)).toBe(40);
    await expectLedgerConsistent(user.id);
  });

  /** The 0259 card's charge, disputed, and the dispute closed by evidence (won) or by accepting it (lost). */
  async function disputed(outcome: "won" | "lost") {
    const bought = await purchaseWithCard("4000000000000259", 1);
    const created = bought.after[0] as { payload: string };
    const dispute = (JSON.parse(created.payload) as { type: string; data: { object: { id: string } } });
    expect(dispute.type).toBe("charge.dispute.created");
    const [closed] = await causing(1, () =>
      outcome === "won"
        ? stripe.api("POST", `/v1/disputes/${dispute.data.object.id}`, { "evidence[uncategorized_text]": "winning_evidence" })
        : stripe.api("POST", `/v1/disputes/${dispute.data.object.id}/close`),
    );
    expect(closed).toMatchObject({ type: "charge.dispute.closed" });
    return { ...bought, created, closed: closed as { payload: string } };
  }

  it("a dispute won: all 6 orders of completion, dispute opened and dispute closed, redelivered, leave the pack", async () => {
    for (const order of orders(["completed", "created", "closed"])) {
      const { user, sessionId, completed, created, closed } = await disputed("won");
      const byName = { completed, created, closed };
      for (const name of [...order, ...[...order].reverse()]) await deliver(byName[name as keyof typeof byName]);
      await expectKinds(user.id, sessionId, 100, { refund: 0, dispute: 0 });
    }
  });

  it("a dispute lost: all 6 orders take the pack back once, and it stays taken", async () => {
    for (const order of orders(["completed", "created", "closed"])) {
      const { user, sessionId, completed, created, closed } = await disputed("lost");
      const byName = { completed, created, closed };
      for (const name of [...order, ...[...order].reverse()]) await deliver(byName[name as keyof typeof byName]);
      await expectKinds(user.id, sessionId, 0, { refund: 0, dispute: -100 });
    }
  });

  it("a dispute opened takes what is left after a partial refund, shown on the ledger as a dispute; won, it gives that back", async () => {
    const { user, sessionId, paymentIntent, completed, created, closed } = await disputed("won");
    const [quarter] = await causing(1, () => stripe.api("POST", "/v1/refunds", { payment_intent: paymentIntent, amount: "250" }));
    expect(await deliver(completed)).toBe(`credited 100 credits for ${sessionId}`);
    expect(await deliver(quarter as { payload: string })).toMatch(/^took back 25 credits for ch_/);
    expect(await deliver(created)).toMatch(/^dispute dp_\w+ is needs_response: took back 75 credits$/);
    expect(await deliver(created)).toMatch(/^dispute dp_\w+ is needs_response: took back 75 credits$/);
    await expectKinds(user.id, sessionId, 0, { refund: -25, dispute: -75 });
    const [row] = await db
      .select()
      .from(creditTransactions)
      .where(and(eq(creditTransactions.businessId, user.id), eq(creditTransactions.kind, "dispute")));
    expect(row).toMatchObject({ delta: -75, description: expect.stringMatching(/^Dispute opened/) });
    expect(await deliver(closed)).toMatch(/^dispute dp_\w+ is won: gave back 75 credits$/);
    await expectKinds(user.id, sessionId, 75, { refund: -25, dispute: 0 });
  });

  it("a partial refund that fails and a dispute on the same payment, in every order, redelivered or at once, end in one state; won, the pack is back", async () => {
    // Stripe's test cards do one thing each (5126: refunds fail; 0259: disputed), so the dispute
    // events come from a 0259 purchase, pointed at this payment (its charge, payment intent, a
    // dispute id of its own): the events' shapes are Stripe's, only the ids are moved.
    const template = await disputed("won");
    const templateCharge = (JSON.parse(template.created.payload) as { data: { object: { id: string; charge: string } } }).data.object;
    // Every order of the refund, its failure and the dispute, with the completion first or last; then all at once.
    const sequences = orders(["completed", "refunded", "failed", "created"]).filter((order) => order[0] === "completed" || order[3] === "completed");
    for (const [index, order] of [...sequences, ["together"]].entries()) {
      const bought = await purchaseWithCard("4000 0000 0000 5126");
      const events = await causing(4, () => stripe.api("POST", "/v1/refunds", { payment_intent: bought.paymentIntent, amount: "250" }));
      expect(events.map((event) => event.type)).toEqual(["charge.refunded", "charge.refund.updated", "refund.updated", "refund.failed"]);
      const refunded = events[0] as { payload: string };
      const charge = (JSON.parse(refunded.payload) as { data: { object: { id: string } } }).data.object.id;
      const disputeId = `dp_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
      // Stripe answers a redelivered event id from its record (ADR 0202): each moved event is a new event.
      const moved = (event: { payload: string }) => {
        const { id } = JSON.parse(event.payload) as { id: string };
        const payload = event.payload.replaceAll(id, `evt_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`);
        return { payload: payload.replaceAll(templateCharge.id, disputeId).replaceAll(templateCharge.charge, charge).replaceAll(template.paymentIntent, bought.paymentIntent) };
      };
      const byName = { completed: bought.completed, refunded, failed: events[3] as { payload: string }, created: moved(template.created) };
      if (index === sequences.length) await Promise.all([byName.refunded, byName.created, byName.failed, byName.completed, byName.created, byName.refunded, events[1], events[2]].map((event) => deliver(event as { payload: string })));
      else for (const name of [...order, ...[...order].reverse()]) await deliver(byName[name as keyof typeof byName]);
      // The refund failed, so nothing of it stands; the open dispute holds the whole pack.
      await expectKinds(bought.user.id, bought.sessionId, 0, { refund: 0, dispute: -100 });
      await deliver(moved(template.closed));
      await deliver(byName.created);
      await expectKinds(bought.user.id, bought.sessionId, 100, { refund: 0, dispute: 0 });
    }
  });

  it("a dispute opened and closed, delivered at the same moment several times over, ends in one state", async () => {
    const { user, sessionId, completed, created, closed } = await disputed("won");
    await deliver(completed);
    await Promise.all([created, closed, created, closed, created].map(deliver));
    await expectKinds(user.id, sessionId, 100, { refund: 0, dispute: 0 });
  });
});
