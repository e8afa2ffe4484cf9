/**
 * Auto top-up end to end (docs/decisions/0211-auto-top-up.md): the card saved at checkout on the
 * Stripe stand-in's hosted page, the owner's settings, a call settling below the level, the
 * queue's off-session PaymentIntent, the stand-in's signed `payment_intent.*` webhook passed on to
 * the worker, the credits, and what a decline, an authentication request and the monthly cap do.
 */
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { autoTopUps, businesses } from "../../../src/db/schema";
import { creditAccount } from "../../../src/services/credits";
import { expectLedgerConsistent, ledgerOf, storedBalance } from "../../support/credits";
import { db } from "../../support/db";
import { testEnv } from "../../support/env";
import { createUser } from "../../support/factories";
import { call } from "../../support/http";
import { consumeBatch } from "../../support/queues";
import { passOnWebhook } from "../../support/relay";
import { smtpInbox } from "../../support/smtp";
import { deliverEvent, postWebhook, signEvent, stripeEvent, stripeStandIn } from "../../support/stripe";

const inbox = smtpInbox();
const PAUSED_SUBJECT = "Auto top-up is paused";

interface TopUpView {
  enabled: boolean;
  paused: { reason: string; message: string } | null;
  card: { last4: string } | null;
  thisMonth: { chargedCents: number; pendingCents: number; remainingCents: number | null; topUps: { status: string }[] };
}

/** An owner who bought the starter pack (100 credits) with `card` saved, and auto top-up set as given. */
async function ownerWithSavedCard(card: string, settings: { whenBelow?: number; monthlyCapCents?: number } = {}) {
  const owner = await createUser({ name: "Avery" });
  const checkout = await call("/api/billing/checkout", { method: "POST", cookie: owner.cookie, json: { packId: "starter", saveCard: true } });
  const { url } = (await checkout.json()) as { url: string };
  const [, webhook] = await Promise.all([
    fetch(url, { method: "POST", body: new URLSearchParams({ email: owner.user.email, card }), redirect: "manual" }),
    passOnWebhook("stripe"),
  ]);
  expect(webhook.body).toMatchObject({ outcome: expect.stringContaining(`; saved the card ending ${card.slice(-4)}`) });
  const patch = await call("/api/business", {
    method: "PATCH",
    cookie: owner.cookie,
    json: { autoTopUp: { enabled: true, packId: "starter", whenBelow: settings.whenBelow ?? 50, monthlyCapCents: settings.monthlyCapCents ?? 5000 } },
  });
  expect(patch.status).toBe(200);
  return owner;
}

const settle = (businessId: string, seconds: number) => creditAccount(testEnv, businessId).settle({ callId: `call-${crypto.randomUUID()}`, seconds, maxCredits: 100 });
const topUpsOf = (businessId: string) => db.select().from(autoTopUps).where(eq(autoTopUps.businessId, businessId));
const paymentIntentPosts = async (mark: number, customer: string | null) =>
  (await stripeStandIn().requests(mark)).filter((r) => r.method === "POST" && r.path === "/v1/payment_intents" && r.rawBody.includes(`customer=${customer}`));
const viewOf = async (cookie: string) => ((await (await call("/api/business", { cookie })).json()) as { business: { autoTopUp: TopUpView } }).business.autoTopUp;
const customerOf = async (businessId: string) => (await db.select().from(businesses).where(eq(businesses.id, businessId)))[0]?.stripeCustomerId ?? null;

describe("auto top-up: one off-session payment per crossing, credited by its webhook", () => {
  it("a call settling below the level makes one PaymentIntent with the saved card; payment_intent.succeeded credits the pack once, redelivered or not", async () => {
    const owner = await ownerWithSavedCard("4242 4242 4242 4242");
    const id = owner.business.id;
    const view = await viewOf(owner.cookie);
    expect(view).toMatchObject({ enabled: true, paused: null, card: { last4: "4242" }, thisMonth: { chargedCents: 0, pendingCents: 0, remainingCents: 5000 } });
    const mark = await stripeStandIn().mark();

    // 100 → 40: below 50. The queue makes the payment; the stand-in's webhook grants it.
    await settle(id, 60 * 60);
    const webhook = await passOnWebhook("stripe");
    expect(webhook.body).toMatchObject({ outcome: expect.stringMatching(/^credited 100 credits for the auto top-up pi_/) });
    expect(await storedBalance(id)).toBe(140);
    const posts = await paymentIntentPosts(mark, await customerOf(id));
    expect(posts).toHaveLength(1);
    const [topUp] = await topUpsOf(id);
    expect(posts[0]?.headers["idempotency-key"]).toBe(`agentline-auto-top-up-${topUp?.id}`);
    expect(posts[0]?.rawBody).toContain("off_session=true");
    expect(posts[0]?.rawBody).toContain("confirm=true");
    expect(topUp).toMatchObject({ status: "succeeded", amountCents: 1000, credits: 100 });

    // Stripe delivers the same event again (a new signature): nothing more.
    const { payload, signature } = await signEvent(webhook.delivery.body);
    const again = await postWebhook(payload, signature);
    expect(await again.json()).toMatchObject({ duplicate: true });
    // The queue message again (at-least-once): Stripe's key answers, the row is done, no new payment.
    await consumeBatch([{ type: "billing.auto_top_up", idempotencyKey: `auto-top-up:${topUp?.id}`, businessId: id, topUpId: topUp?.id as string }]);
    expect(await paymentIntentPosts(mark, await customerOf(id))).toHaveLength(1);
    expect(await storedBalance(id)).toBe(140);
    const purchases = (await ledgerOf(id)).filter((row) => row.kind === "purchase");
    expect(purchases.map((row) => row.description)).toEqual(["Starter pack: 100 credits", "Auto top-up, Starter pack: 100 credits"]);
    expect((await viewOf(owner.cookie)).thisMonth).toMatchObject({ chargedCents: 1000, pendingCents: 0, remainingCents: 4000, topUps: [{ status: "succeeded" }] });
    await expectLedgerConsistent(id);
  });

  it("a refund of a top-up finds its purchase by the PaymentIntent and takes its credits back (ADR 0210 for top-ups too)", async () => {
    const owner = await ownerWithSavedCard("4242424242424242");
    const id = owner.business.id;
    await settle(id, 60 * 60); // 100 → 40, top-up → 140
    await passOnWebhook("stripe");
    const [topUp] = await topUpsOf(id);
    const [refund, webhook] = await Promise.all([stripeStandIn().api("POST", "/v1/refunds", { payment_intent: topUp?.paymentIntentId as string }), passOnWebhook("stripe")]);
    expect(refund.status).toBe(200);
    expect(webhook.body).toMatchObject({ outcome: "took back 100 credits for " + String((refund.body as { charge: string }).charge) });
    expect(await storedBalance(id)).toBe(40);
    // Taken back below the level by the refund, not by spending: no second top-up (the owner asked for their money back).
    expect(await topUpsOf(id)).toHaveLength(1);
    await expectLedgerConsistent(id);
  });

  it("twenty calls settling at once, crossing together, make one PaymentIntent; a settle redelivered makes none", async () => {
    const owner = await ownerWithSavedCard("4242424242424242");
    const id = owner.business.id;
    const mark = await stripeStandIn().mark();
    const callIds = Array.from({ length: 20 }, () => `call-${crypto.randomUUID()}`);
    // 100 − 20 × 3 = 40: one crossing of 50, wherever it falls among them.
    await Promise.all(callIds.map((callId) => creditAccount(testEnv, id).settle({ callId, seconds: 150, maxCredits: 100 })));
    await passOnWebhook("stripe");
    await creditAccount(testEnv, id).settle({ callId: callIds[7] as string, seconds: 150, maxCredits: 100 });
    expect(await topUpsOf(id)).toHaveLength(1);
    expect(await paymentIntentPosts(mark, await customerOf(id))).toHaveLength(1);
    expect(await storedBalance(id)).toBe(140);
    await expectLedgerConsistent(id);
  });

  it("the monthly cap: a second crossing that would pass it pays nothing and is shown as capped", async () => {
    const owner = await ownerWithSavedCard("4242424242424242", { monthlyCapCents: 1000 });
    const id = owner.business.id;
    const mark = await stripeStandIn().mark();
    await settle(id, 60 * 60); // 100 → 40, top-up → 140
    await passOnWebhook("stripe");
    await settle(id, 100 * 60); // 140 → 40 again: a second crossing, over the cap
    expect(await storedBalance(id)).toBe(40);
    const rows = await topUpsOf(id);
    expect(rows.map((row) => row.status).sort()).toEqual(["capped", "succeeded"]);
    expect(await paymentIntentPosts(mark, await customerOf(id))).toHaveLength(1);
    expect((await viewOf(owner.cookie)).thisMonth).toMatchObject({ chargedCents: 1000, remainingCents: 0, topUps: [{ status: "capped" }, { status: "succeeded" }] });
  });

  it("the cap counts the calendar month in the business's own timezone: a top-up a minute before it began does not count, one a minute after does", async () => {
    const monthStart = sql`date_trunc('month', now() at time zone 'America/New_York') at time zone 'America/New_York'`;
    const earlier = async (businessId: string, offset: string) =>
      db.execute(sql`insert into auto_top_ups (business_id, crossing_entry_id, pack_id, credits, amount_cents, currency, status, created_at)
        values (${businessId}::uuid, gen_random_uuid(), 'starter', 100, 1000, 'usd', 'succeeded', ${monthStart} + ${offset}::interval)`);
    const lastMonth = await ownerWithSavedCard("4242424242424242", { monthlyCapCents: 1000 });
    await earlier(lastMonth.business.id, "-1 minute");
    await settle(lastMonth.business.id, 60 * 60);
    await passOnWebhook("stripe");
    expect(await storedBalance(lastMonth.business.id)).toBe(140);

    const thisMonth = await ownerWithSavedCard("4242424242424242", { monthlyCapCents: 1000 });
    await earlier(thisMonth.business.id, "1 minute");
    await settle(thisMonth.business.id, 60 * 60);
    expect((await topUpsOf(thisMonth.business.id)).map((row) => row.status).sort()).toEqual(["capped", "succeeded"]);
    expect(await storedBalance(thisMonth.business.id)).toBe(40);
  });
});

describe("auto top-up: a decline or an authentication request pauses it and e-mails a link to buy", () => {
  for (const [card, reason, label] of [
    ["4000000000000002", "card_declined", "is declined"],
    ["4000002760003184", "authentication_required", "needs authentication"],
  ] as const) {
    it(`a saved card that ${label}: paused (${reason}), one e-mail with a Buy credits link, no payment on the next crossing`, async () => {
      const owner = await ownerWithSavedCard(card);
      const id = owner.business.id;
      const mark = await stripeStandIn().mark();
      await settle(id, 60 * 60); // 100 → 40
      // The stand-in's payment_intent.payment_failed, passed on: the same pause, said twice.
      const failed = await passOnWebhook("stripe");
      expect(failed.body).toMatchObject({ outcome: expect.stringContaining(`failed (${reason}); auto top-up paused`) });
      const [email] = (await inbox.waitFor(owner.user.email, 2)).filter((message) => message.subject === PAUSED_SUBJECT);
      expect(email?.text).toContain("Buy credits: http");
      expect(email?.text).toContain("/billing?buy=starter");
      expect(email?.html).toContain(">Buy credits</a>");
      const view = await viewOf(owner.cookie);
      expect(view).toMatchObject({ enabled: true, paused: { reason } });
      const [topUp] = await topUpsOf(id);
      expect(topUp).toMatchObject({ status: "failed", failureCode: reason });
      expect(await storedBalance(id)).toBe(40);

      // Stripe telling of the same checkout again (another event for the session) saves the same card: still paused.
      const checkoutEvent = JSON.parse((await stripeStandIn().lastEvent("checkout.session.completed", (await customerOf(id)) ?? undefined)).payload) as { data: { object: unknown } };
      const again = await deliverEvent(stripeEvent("checkout.session.async_payment_succeeded", checkoutEvent.data.object));
      expect(again.body.outcome).toContain(`saved the card ending ${card.slice(-4)}`);
      expect((await viewOf(owner.cookie)).paused).toMatchObject({ reason });

      // Back above the level by hand, then below again: paused, so no payment.
      await creditAccount(testEnv, id).credit({ amount: 60, kind: "adjustment", idempotencyKey: `test:${crypto.randomUUID()}` });
      await settle(id, 60 * 60);
      expect(await topUpsOf(id)).toHaveLength(1);
      expect(await paymentIntentPosts(mark, await customerOf(id))).toHaveLength(1);
      expect((await inbox.messages(owner.user.email)).filter((message) => message.subject === PAUSED_SUBJECT)).toHaveLength(1);

      // Resuming (saving it on again) lifts the pause.
      const resumed = await call("/api/business", { method: "PATCH", cookie: owner.cookie, json: { autoTopUp: { enabled: true } } });
      expect(await resumed.json()).toMatchObject({ business: { autoTopUp: { enabled: true, paused: null } } });
    });
  }

  it("Stripe unreachable: the queue retries the payment with the same key, nothing paused", async () => {
    const owner = await ownerWithSavedCard("4242424242424242");
    const id = owner.business.id;
    await settle(id, 60 * 60);
    await passOnWebhook("stripe");
    const [topUp] = await topUpsOf(id);
    // A pending row whose payment has not been made (as if the first attempt never reached Stripe).
    await db.update(autoTopUps).set({ status: "pending" }).where(and(eq(autoTopUps.id, topUp?.id as string)));
    await stripeStandIn().fault({ method: "POST", path: "/v1/payment_intents", status: 500, body: { error: { type: "api_error", message: "boom" } }, times: 3 });
    const { result } = await consumeBatch([{ type: "billing.auto_top_up", idempotencyKey: `auto-top-up:${topUp?.id}`, businessId: id, topUpId: topUp?.id as string }]);
    expect(result.retryMessages).toHaveLength(1);
    expect((await viewOf(owner.cookie)).paused).toBeNull();
    await stripeStandIn().reset();
  });
});

describe("PATCH /api/business autoTopUp: checked against the business as it is", () => {
  const patch = (cookie: string, autoTopUp: Record<string, unknown>) => call("/api/business", { method: "PATCH", cookie, json: { autoTopUp } });

  it("enabling without a saved card, an unknown pack, a level of 0 and a cap under one pack's price are 400 with the reason; nothing changes", async () => {
    const owner = await createUser();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ enabled: true, packId: "starter", whenBelow: 20, monthlyCapCents: 5000 }, "autoTopUp.enabled", /save a card first/],
      [{ packId: "platinum" }, "autoTopUp.packId", /no pack named "platinum"; choose one of starter, growth, pro/],
      [{ whenBelow: 0 }, "autoTopUp.whenBelow", /between 1 and 100,000 credits/],
      [{ packId: "growth", monthlyCapCents: 1000 }, "autoTopUp.monthlyCapCents", /at least one Growth pack's price \(\$45\.00\)/],
    ];
    for (const [body, path, message] of cases) {
      const response = await patch(owner.cookie, body);
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { code: string; message: string; details: { path: string; message: string }[] } }).error;
      expect(error.code).toBe("validation_failed");
      expect(error.details).toContainEqual({ path, message: expect.stringMatching(message) });
    }
    const [business] = await db.select().from(businesses).where(eq(businesses.id, owner.business.id));
    expect(business).toMatchObject({ autoTopUpEnabled: false, autoTopUpPackId: null, autoTopUpWhenBelow: null, autoTopUpMonthlyCapCents: null });
  });
});
