import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { webhookEvents } from "../../../src/db/schema";
import { HANDLED_STRIPE_EVENTS } from "../../../src/integrations/stripe/events";
import { expectConsoleError } from "../../support/console-trap";
import { ledgerOf, storedBalance } from "../../support/credits";
import { db } from "../../support/db";
import { envWith } from "../../support/env";
import { createUser } from "../../support/factories";
import { charge, checkoutSession, deliverEvent, dispute, postWebhook, refund, signEvent, stripeEvent } from "../../support/stripe";

const recorded = async (eventId: string) =>
  db.select().from(webhookEvents).where(and(eq(webhookEvents.provider, "stripe"), eq(webhookEvents.eventId, eventId)));

describe("POST /api/webhooks/stripe: failures and odd events", () => {
  it("a database failure answers 503 (so Stripe retries) and records nothing; the retry credits once", async () => {
    expectConsoleError(/"msg":"database unavailable"/);
    const { user } = await createUser();
    const event = stripeEvent("checkout.session.completed", checkoutSession({ businessId: user.id, credits: 100 }));
    const { payload, signature } = await signEvent(event);
    const down = envWith({
      DATABASE_URL: "postgresql://agentline:agentline@down.agentline.test/agentline",
      NEON_FETCH_ENDPOINT: "http://127.0.0.1:9/sql",
    });
    const failed = await postWebhook(payload, signature, down);
    expect(failed.status).toBe(503);
    expect(await recorded(event.id)).toEqual([]);
    expect(await storedBalance(user.id)).toBe(0);

    const retried = await postWebhook(payload, signature);
    expect(retried.status).toBe(200);
    expect(await storedBalance(user.id)).toBe(100);
    expect(await recorded(event.id)).toHaveLength(1);
  });

  it("a session without Agentline's metadata is acknowledged and ignored", async () => {
    const { user } = await createUser();
    const session = checkoutSession({ businessId: user.id, metadata: { orderId: "42" } });
    const { response, body } = await deliverEvent(stripeEvent("checkout.session.completed", session));
    expect(response.status).toBe(200);
    expect(body.outcome).toBe(`ignored: ${session.id} is not an Agentline credit purchase`);
    expect(await ledgerOf(user.id)).toEqual([]);
  });

  it("a completed session that is not a one-off payment (a subscription) credits nothing, even with our metadata", async () => {
    const { user } = await createUser();
    for (const mode of ["subscription", "setup"]) {
      const session = { ...checkoutSession({ businessId: user.id, credits: 100 }), mode };
      const { response, body } = await deliverEvent(stripeEvent("checkout.session.completed", session));
      expect(response.status).toBe(200);
      expect(body.outcome).toBe(`ignored: ${session.id} is not an Agentline credit purchase`);
    }
    expect(await ledgerOf(user.id)).toEqual([]);
    expect(await storedBalance(user.id)).toBe(0);
  });

  it("a session for a user that no longer exists is acknowledged and ignored", async () => {
    const session = checkoutSession({ businessId: crypto.randomUUID() });
    const { response, body } = await deliverEvent(stripeEvent("checkout.session.completed", session));
    expect(response.status).toBe(200);
    expect(body.outcome).toBe(`ignored: ${session.id} is for a user that does not exist`);
  });

  it("a session whose client_reference_id and metadata name different users credits nobody", async () => {
    const { user } = await createUser();
    const { user: other } = await createUser();
    const session = { ...checkoutSession({ businessId: user.id }), client_reference_id: other.id };
    const { body } = await deliverEvent(stripeEvent("checkout.session.completed", session));
    expect(body.outcome).toBe(`ignored: ${session.id} names two different users`);
    expect(await ledgerOf(user.id)).toEqual([]);
    expect(await ledgerOf(other.id)).toEqual([]);
  });

  it("a refund of a charge that is not an Agentline purchase is acknowledged and ignored", async () => {
    const refunded = charge({ id: "ch_unknown_1", amount: 1000, amount_refunded: 1000, currency: "usd", payment_intent: "pi_not_ours_1", refunded: true });
    const { response, body } = await deliverEvent(stripeEvent("charge.refunded", refunded));
    expect(response.status).toBe(200);
    expect(body.outcome).toBe("ignored: ch_unknown_1 is not an Agentline credit purchase");
  });

  it("a failed refund or a dispute of a payment that is not an Agentline purchase is acknowledged and ignored", async () => {
    const failed = refund({ id: "re_unknown_1", charge: "ch_unknown_2", payment_intent: "pi_not_ours_2", status: "failed" });
    expect((await deliverEvent(stripeEvent("refund.failed", failed))).body.outcome).toBe("ignored: the failed refund re_unknown_1 is not an Agentline credit purchase");
    const opened = dispute({ id: "dp_unknown_1", charge: "ch_unknown_3", payment_intent: "pi_not_ours_3" });
    const { response, body } = await deliverEvent(stripeEvent("charge.dispute.created", opened));
    expect(response.status).toBe(200);
    expect(body.outcome).toBe("ignored: the dispute dp_unknown_1 is not an Agentline credit purchase");
    // Without a payment intent the charge is read for it; one Stripe does not know is not retried.
    const bare = refund({ id: "re_unknown_2", charge: "ch_missing_1", payment_intent: null, status: "failed" });
    expect((await deliverEvent(stripeEvent("refund.failed", bare))).body.outcome).toBe("ignored: the failed refund re_unknown_2 names a charge Stripe does not know");
  });

  it("a refund updated to anything but failed changes nothing; an unreadable refund or dispute is recorded as ignored", async () => {
    const pending = refund({ status: "pending", payment_intent: "pi_not_ours_4" });
    expect((await deliverEvent(stripeEvent("refund.updated", pending))).body.outcome).toBe(`refund ${pending.id} is pending; nothing to change`);
    expect((await deliverEvent(stripeEvent("refund.failed", { object: "refund", id: "re_x" }))).body.outcome).toBe("ignored: unreadable refund");
    expect((await deliverEvent(stripeEvent("charge.dispute.closed", { object: "dispute", id: "dp_x" }))).body.outcome).toBe("ignored: unreadable dispute");
  });

  it("HANDLED_STRIPE_EVENTS, the list the webhook endpoint is created with, is exactly what the webhook acts on", async () => {
    for (const type of HANDLED_STRIPE_EVENTS) {
      const { body } = await deliverEvent(stripeEvent(type, { id: "x_unreadable" }));
      expect(body.outcome, type).not.toBe(`ignored: ${type}`);
    }
    expect((await deliverEvent(stripeEvent("charge.dispute.funds_withdrawn", { id: "dp_x" }))).body.outcome).toBe("ignored: charge.dispute.funds_withdrawn");
  });
});
