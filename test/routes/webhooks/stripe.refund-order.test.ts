/**
 * A purchase and its refunds in every order (DESIGN §13, issue #10 item 1): Stripe promises no
 * order, so `charge.refunded` can arrive while `checkout.session.completed` is still being
 * retried. Whatever order, however often each is redelivered, the end state is the same: a
 * fully refunded purchase leaves no credits, a partial refund takes back its share, and the
 * ledger stays exact. Events are the Stripe stand-in's own (held at its relay, then delivered
 * in the order under test), re-signed on each delivery as Stripe signs each attempt.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { creditTransactions } from "../../../src/db/schema";
import { expectLedgerConsistent, storedBalance } from "../../support/credits";
import { db } from "../../support/db";
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

async function expectEndState(userId: string, sessionId: string, balance: number) {
  expect(await storedBalance(userId)).toBe(balance);
  await expectLedgerConsistent(userId);
  const rows = await db.select().from(creditTransactions).where(and(eq(creditTransactions.userId, userId), eq(creditTransactions.stripeCheckoutSessionId, sessionId)));
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
