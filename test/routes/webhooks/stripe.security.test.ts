import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { webhookEvents } from "../../../src/db/schema";
import { expectConsoleError } from "../../support/console-trap";
import { ledgerOf, storedBalance } from "../../support/credits";
import { db } from "../../support/db";
import { envWith } from "../../support/env";
import { createUser } from "../../support/factories";
import { errorOf } from "../../support/http";
import { checkoutSession, postWebhook, signEvent, stripeEvent } from "../../support/stripe";

async function paidEvent() {
  const { user } = await createUser();
  const event = stripeEvent("checkout.session.completed", checkoutSession({ businessId: user.id, credits: 100 }));
  return { user, event };
}

async function expectNothingWritten(businessId: string, eventId: string) {
  expect(await storedBalance(businessId)).toBe(0);
  expect(await ledgerOf(businessId)).toEqual([]);
  expect(await db.select().from(webhookEvents).where(and(eq(webhookEvents.provider, "stripe"), eq(webhookEvents.eventId, eventId)))).toEqual([]);
}

describe("POST /api/webhooks/stripe: signatures", () => {
  it("a valid signature is accepted and acted on", async () => {
    const { user, event } = await paidEvent();
    const { payload, signature } = await signEvent(event);
    expect((await postWebhook(payload, signature)).status).toBe(200);
    expect(await storedBalance(user.id)).toBe(100);
  });

  it("a tampered body (credits raised after signing) is 400 invalid_signature and writes nothing", async () => {
    const { user, event } = await paidEvent();
    const { payload, signature } = await signEvent(event);
    const tampered = payload.replace('"credits": "100"', '"credits": "100000"');
    expect(tampered).not.toBe(payload);
    const response = await postWebhook(tampered, signature);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_signature");
    await expectNothingWritten(user.id, event.id);
  });

  it("a signature made with another secret is refused", async () => {
    const { user, event } = await paidEvent();
    const { payload, signature } = await signEvent(event, { secret: "whsec_someone_else" });
    const response = await postWebhook(payload, signature);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_signature");
    await expectNothingWritten(user.id, event.id);
  });

  it("a stale timestamp (older than five minutes) is refused, a recent one accepted", async () => {
    const { user, event } = await paidEvent();
    const stale = await signEvent(event, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const response = await postWebhook(stale.payload, stale.signature);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_signature");
    await expectNothingWritten(user.id, event.id);
    const recent = await signEvent(event, { timestamp: Math.floor(Date.now() / 1000) - 4 * 60 });
    expect((await postWebhook(recent.payload, recent.signature)).status).toBe(200);
  });

  it("a missing or malformed Stripe-Signature header is refused", async () => {
    const { user, event } = await paidEvent();
    const { payload, signature } = await signEvent(event);
    for (const header of [undefined, "", "garbage", signature.replace(/v1=[0-9a-f]+/, "v0=abc"), `t=${Math.floor(Date.now() / 1000)}`]) {
      const response = await postWebhook(payload, header);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe("invalid_signature");
    }
    await expectNothingWritten(user.id, event.id);
  });

  it("without STRIPE_WEBHOOK_SECRET it is 503 service_not_configured and writes nothing", async () => {
    expectConsoleError(/"code":"service_not_configured"/);
    const { user, event } = await paidEvent();
    const { payload, signature } = await signEvent(event);
    const response = await postWebhook(payload, signature, envWith({ STRIPE_WEBHOOK_SECRET: undefined }));
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe("service_not_configured");
    await expectNothingWritten(user.id, event.id);
  });
});

describe("POST /api/webhooks/stripe: signed but malformed or from the future", () => {
  it("a timestamp an hour in the future is refused, even correctly signed", async () => {
    const { user, event } = await paidEvent();
    const future = await signEvent(event, { timestamp: Math.floor(Date.now() / 1000) + 60 * 60 });
    const response = await postWebhook(future.payload, future.signature);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_signature");
    await expectNothingWritten(user.id, event.id);
  });

  it("a signed event without data (or data.object) is 400 and writes nothing", async () => {
    const { user, event } = await paidEvent();
    for (const broken of [{ ...event, data: undefined }, { ...event, data: {} }, { ...event, data: { object: null } }]) {
      const { payload, signature } = await signEvent(broken);
      const response = await postWebhook(payload, signature);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe("bad_request");
    }
    await expectNothingWritten(user.id, event.id);
  });
});
