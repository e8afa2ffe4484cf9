import { and, eq } from "drizzle-orm";
import type Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { creditTransactions, webhookEvents } from "../../../src/db/schema";
import { stripeClient } from "../../../src/integrations/stripe/client";
import { creditAccount } from "../../../src/services/credits";
import { expectLedgerConsistent, ledgerOf, storedBalance } from "../../support/credits";
import { db } from "../../support/db";
import { testEnv } from "../../support/env";
import { createUser } from "../../support/factories";
import { APP_ORIGIN, call } from "../../support/http";
import { passOnWebhook } from "../../support/relay";
import { smtpInbox } from "../../support/smtp";
import { checkoutSession, deliverEvent, postWebhook, signEvent, stripeEvent, stripeStandIn } from "../../support/stripe";

const recorded = async (eventId: string) =>
  db.select().from(webhookEvents).where(and(eq(webhookEvents.provider, "stripe"), eq(webhookEvents.eventId, eventId)));

describe("POST /api/webhooks/stripe: checkout", () => {
  it("checkout.session.completed (paid) credits the pack once, records the event and emails a receipt", async () => {
    const { user } = await createUser({ name: "Robin" });
    const session = checkoutSession({ businessId: user.id, packId: "growth", credits: 500, amountTotal: 4500 });
    const event = stripeEvent("checkout.session.completed", session);
    const { response, body } = await deliverEvent(event);
    expect(response.status).toBe(200);
    expect(body).toEqual({ received: true, duplicate: false, outcome: `credited 500 credits for ${session.id}` });

    const [row] = await ledgerOf(user.id);
    expect(row).toMatchObject({
      kind: "purchase",
      delta: 500,
      balanceAfter: 500,
      idempotencyKey: `stripe:checkout:${session.id}`,
      stripeCheckoutSessionId: session.id,
      description: "Growth pack: 500 credits",
    });
    expect(await storedBalance(user.id)).toBe(500);
    expect(await recorded(event.id)).toEqual([expect.objectContaining({ outcome: `credited 500 credits for ${session.id}` })]);

    const [receipt] = await smtpInbox().waitFor(user.email);
    expect(receipt?.subject).toBe("Your Agentline receipt");
    expect(receipt?.text).toContain("Paid: $45.00");
    expect(receipt?.text).toContain("New balance: 500 credits");
  });

  it("ten concurrent deliveries of one event credit once", async () => {
    const { user } = await createUser();
    const session = checkoutSession({ businessId: user.id, credits: 100 });
    const event = stripeEvent("checkout.session.completed", session);
    const { payload, signature } = await signEvent(event);
    const responses = await Promise.all(Array.from({ length: 10 }, () => postWebhook(payload, signature)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(await storedBalance(user.id)).toBe(100);
    expect(await ledgerOf(user.id)).toHaveLength(1);
    expect(await recorded(event.id)).toHaveLength(1);
    await expectLedgerConsistent(user.id);
  });

  it("one session reported by two different events credits once", async () => {
    const { user } = await createUser();
    const session = checkoutSession({ businessId: user.id, credits: 100 });
    await deliverEvent(stripeEvent("checkout.session.completed", session));
    const second = await deliverEvent(stripeEvent("checkout.session.async_payment_succeeded", session));
    expect(second.body.outcome).toBe(`already credited 100 credits for ${session.id}`);
    expect(await storedBalance(user.id)).toBe(100);
    expect(await ledgerOf(user.id)).toHaveLength(1);
  });

  it("an unpaid session is credited only when its async payment succeeds", async () => {
    const { user } = await createUser();
    const unpaid = checkoutSession({ businessId: user.id, credits: 100, paymentStatus: "unpaid" });
    const completed = await deliverEvent(stripeEvent("checkout.session.completed", unpaid));
    expect(completed.response.status).toBe(200);
    expect(completed.body.outcome).toBe(`awaiting payment for ${unpaid.id} (payment_status unpaid)`);
    expect(await storedBalance(user.id)).toBe(0);
    const succeeded = await deliverEvent(stripeEvent("checkout.session.async_payment_succeeded", { ...unpaid, payment_status: "paid" }));
    expect(succeeded.body.outcome).toBe(`credited 100 credits for ${unpaid.id}`);
    expect(await storedBalance(user.id)).toBe(100);
  });

  it("async_payment_failed credits nothing and is recorded", async () => {
    const { user } = await createUser();
    const session = checkoutSession({ businessId: user.id, paymentStatus: "unpaid" });
    const event = stripeEvent("checkout.session.async_payment_failed", session);
    const { response, body } = await deliverEvent(event);
    expect(response.status).toBe(200);
    expect(body.outcome).toBe(`async payment failed for ${session.id}; nothing credited`);
    expect(await storedBalance(user.id)).toBe(0);
    expect(await recorded(event.id)).toHaveLength(1);
  });

  it("an event type we do not handle gets 200 and is recorded", async () => {
    const event = stripeEvent("customer.created", { id: "cus_123", object: "customer" });
    const { response, body } = await deliverEvent(event);
    expect(response.status).toBe(200);
    expect(body.outcome).toBe("ignored: customer.created");
    expect(await recorded(event.id)).toEqual([expect.objectContaining({ outcome: "ignored: customer.created" })]);
  });

  it("a redelivered event is answered from the record without acting again", async () => {
    const { user } = await createUser();
    const event = stripeEvent("checkout.session.completed", checkoutSession({ businessId: user.id, credits: 100 }));
    await deliverEvent(event);
    await creditAccount(testEnv, user.id).debit({ amount: 30, kind: "call", idempotencyKey: `test:${crypto.randomUUID()}` });
    const again = await deliverEvent(event);
    expect(again.body).toMatchObject({ received: true, duplicate: true });
    expect(await storedBalance(user.id)).toBe(70);
  });
});

describe("the sandbox checkout, end to end through the Stripe stand-in and its own webhook delivery", () => {
  /** Pay on the hosted page while the stand-in's signed delivery is passed on to the worker. */
  async function payOnHostedPage(url: string, email: string) {
    const [paid, webhook] = await Promise.all([
      fetch(url, { method: "POST", body: new URLSearchParams({ email }), redirect: "manual" }),
      passOnWebhook("stripe"),
    ]);
    return { paid, webhook, event: JSON.parse(webhook.delivery.body) as Stripe.Event };
  }

  it("checkout → hosted page → Pay → the signed webhook credits the pack and the balance shows it", async () => {
    const stripe = stripeStandIn();
    const { user, cookie } = await createUser();
    const checkout = await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "starter" } });
    const { url } = (await checkout.json()) as { url: string };
    const sessionId = url.split("/pay/")[1] as string;

    const page = await fetch(url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Starter: 100 credits");
    expect(html).toMatch(/<button type="submit">Pay \$10\.00<\/button>/);

    const { paid, webhook, event } = await payOnHostedPage(url, user.email);
    expect(webhook.delivery).toMatchObject({ method: "POST", path: "/api/webhooks/stripe" });
    expect(webhook.delivery.headers["stripe-signature"]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(webhook.status).toBe(200);
    expect(webhook.body).toMatchObject({ received: true, outcome: `credited 100 credits for ${sessionId}` });
    // Paying on the hosted page is no API request of ours: Stripe sends request.id null.
    expect(event).toMatchObject({ type: "checkout.session.completed", request: { id: null, idempotency_key: null }, data: { object: { id: sessionId, ui_mode: "hosted_page" } } });
    expect(paid.status).toBe(303);
    expect(paid.headers.get("location")).toBe(`${APP_ORIGIN}/billing?checkout=success&session_id=${sessionId}`);
    // The stand-in recorded the worker's answer as the delivery's result.
    expect((await stripe.lastEvent("checkout.session.completed", sessionId)).deliveries).toEqual([expect.objectContaining({ status: 200 })]);

    const credits = await call("/api/credits", { cookie });
    expect(await credits.json()).toMatchObject({ balance: 100, transactions: [{ kind: "purchase", delta: 100, balanceAfter: 100 }] });
  });

  it("a refund takes back the refunded share of the pack, rounded to the nearest credit, never more than is left", async () => {
    const { user, cookie } = await createUser();
    const { url } = (await (await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "starter" } })).json()) as { url: string };
    const sessionId = url.split("/pay/")[1] as string;
    const { event: completed } = await payOnHostedPage(url, user.email);
    const paymentIntent = (completed.data.object as Stripe.Checkout.Session).payment_intent as string;
    const stripe = await stripeClient(loadConfig(testEnv));

    // $2.59 of $10.00 refunded: 25.9 credits, so 26 go (rounded, not cut).
    const [refund, first] = await Promise.all([stripe.refunds.create({ payment_intent: paymentIntent, amount: 259 }), passOnWebhook("stripe")]);
    const firstEvent = JSON.parse(first.delivery.body) as Stripe.Event;
    // A refund made through the API carries that request's id, as Stripe's events do.
    expect(firstEvent.request).toEqual({ id: refund.lastResponse.requestId, idempotency_key: expect.any(String) });
    expect(first.body?.outcome).toMatch(/^took back 26 credits for ch_/);
    expect(await storedBalance(user.id)).toBe(74);

    // The owner spends 60; the rest of the payment is refunded: only the 14 left can go.
    await creditAccount(testEnv, user.id).debit({ amount: 60, kind: "call", idempotencyKey: `test:${crypto.randomUUID()}` });
    const [, second] = await Promise.all([stripe.refunds.create({ payment_intent: paymentIntent }), passOnWebhook("stripe")]);
    expect(second.body?.outcome).toMatch(/^took back 14 credits for ch_\w+ \(60 already spent\)$/);
    expect(await storedBalance(user.id)).toBe(0);

    // Replays of either refund (a new delivery of the same state) change nothing.
    const replay = await signEvent(JSON.parse(first.delivery.body) as unknown);
    await postWebhook(replay.payload, replay.signature);
    const refunds = await db.select().from(creditTransactions).where(and(eq(creditTransactions.businessId, user.id), eq(creditTransactions.kind, "refund")));
    expect(refunds.map((row) => row.delta).sort()).toEqual([-14, -26]);
    expect(refunds.every((row) => row.stripeCheckoutSessionId === sessionId)).toBe(true);
    await expectLedgerConsistent(user.id);
  });
});
