/**
 * The Stripe stand-in's objects have exactly the fields the pinned SDK's types declare for the
 * API version it speaks: every required field present, none invented. The types are read from
 * node_modules/stripe, so upgrading the SDK shows what the stand-in must learn.
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStripeStandIn } from "../../dev/stand-ins/stripe.mjs";

const TYPES = path.resolve("node_modules/stripe/esm/resources");

/** The top-level fields of `export interface <name> {…}` in a .d.ts: name → optional? */
function declaredFields(file: string, name: string): Map<string, boolean> {
  const text = fs.readFileSync(path.join(TYPES, file), "utf8");
  const start = text.indexOf(`export interface ${name} {`);
  if (start < 0) throw new Error(`no interface ${name} in ${file}`);
  const body = text.slice(start, text.indexOf("\n}", start));
  const fields = new Map<string, boolean>();
  for (const match of body.matchAll(/^ {4}([a-z_]+)(\??):/gm)) fields.set(match[1] as string, match[2] === "?");
  return fields;
}

function expectShape(object: object, file: string, name: string) {
  const fields = declaredFields(file, name);
  const missing = [...fields].filter(([field, optional]) => !optional && !(field in object)).map(([field]) => field);
  const invented = Object.keys(object).filter((field) => !fields.has(field) && field !== "lastResponse");
  expect({ name, missing, invented }).toEqual({ name, missing: [], invented: [] });
}

describe("the Stripe stand-in's objects match the pinned SDK's types", () => {
  let stripeStandIn: Awaited<ReturnType<typeof startStripeStandIn>>;
  let sink: http.Server;
  const events: Stripe.Event[] = [];
  let client: Stripe;

  beforeAll(async () => {
    sink = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        events.push(JSON.parse(body));
        res.end("{}");
      });
    });
    await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", resolve));
    const { port } = sink.address() as { port: number };
    stripeStandIn = await startStripeStandIn({ webhookUrl: `http://127.0.0.1:${port}/webhook` });
    const url = new URL(stripeStandIn.url);
    client = new Stripe(stripeStandIn.secretKey, { host: url.hostname, port: Number(url.port), protocol: "http" });
  });
  afterAll(async () => {
    await stripeStandIn?.close();
    sink?.close();
  });

  it("customer, checkout session, charge, refund and both events", async () => {
    const customer = await client.customers.create({ email: "shape@example.test", name: "Shape" });
    expectShape(customer, "Customers.d.ts", "Customer");
    const session = await client.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 1000, product_data: { name: "Starter" } } }],
      success_url: "http://127.0.0.1:8787/billing",
    });
    expectShape(session, "Checkout/Sessions.d.ts", "Session");

    await fetch(session.url as string, { method: "POST", body: new URLSearchParams({ email: "shape@example.test" }), redirect: "manual" });
    const completed = events.find((event) => event.type === "checkout.session.completed") as Stripe.Event;
    expectShape(completed , "Events.d.ts", "EventBase");
    expect(completed.request).toEqual({ id: null, idempotency_key: null });
    const paid = completed.data.object as Stripe.Checkout.Session;
    expectShape(paid , "Checkout/Sessions.d.ts", "Session");

    const refund = await client.refunds.create({ payment_intent: paid.payment_intent as string, amount: 100 });
    expectShape(refund, "Refunds.d.ts", "Refund");
    await expect.poll(() => events.some((event) => event.type === "charge.refunded")).toBe(true);
    const refunded = events.find((event) => event.type === "charge.refunded") as Stripe.Event;
    expect(refunded.request?.id).toBe(refund.lastResponse.requestId);
    expectShape(refunded.data.object , "Charges.d.ts", "Charge");
    expectShape(await client.charges.retrieve(refund.charge as string), "Charges.d.ts", "Charge");
  });

  /** Buys on the hosted page with one of Stripe's test cards; returns the paid session. */
  async function payWith(card: string) {
    const session = await client.checkout.sessions.create({
      mode: "payment",
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 1000, product_data: { name: "Starter" } } }],
      success_url: "http://127.0.0.1:8787/billing",
    });
    await fetch(session.url as string, { method: "POST", body: new URLSearchParams({ email: "shape@example.test", card }), redirect: "manual" });
    return (await client.checkout.sessions.retrieve(session.id)).payment_intent as string;
  }
  const eventOf = async (type: string, id: string) => {
    await expect.poll(() => events.some((event) => event.type === type && JSON.stringify(event.data.object).includes(id))).toBe(true);
    return events.find((event) => event.type === type && JSON.stringify(event.data.object).includes(id)) as Stripe.Event;
  };

  it("a refund on the 5126 test card succeeds, then fails: charge.refund.updated, refund.updated, refund.failed carry the failed Refund", async () => {
    const paymentIntent = await payWith("4000 0000 0000 5126");
    const refund = await client.refunds.create({ payment_intent: paymentIntent });
    expect(refund.status).toBe("succeeded");
    const failed = await eventOf("refund.failed", refund.id);
    expectShape(failed.data.object, "Refunds.d.ts", "Refund");
    expect(failed.data.object).toMatchObject({ id: refund.id, status: "failed", failure_reason: "expired_or_canceled_card", payment_intent: paymentIntent });
    const kinds = events.filter((event) => JSON.stringify(event.data.object).includes(refund.id)).map((event) => event.type);
    expect(kinds).toEqual(["charge.refund.updated", "refund.updated", "refund.failed"]);
    expect((await eventOf("charge.refund.updated", refund.id)).data.previous_attributes).toEqual({ status: "succeeded" });
  });

  it("the 0259 test card's charge is disputed (charge.dispute.created); evidence closes it won or lost (charge.dispute.closed)", async () => {
    const won = await eventOf("charge.dispute.created", await payWith("4000000000000259"));
    const dispute = won.data.object as Stripe.Dispute;
    expectShape(dispute, "Disputes.d.ts", "Dispute");
    expect(dispute).toMatchObject({ status: "needs_response", amount: 1000, reason: "fraudulent" });
    expectShape(await client.disputes.retrieve(dispute.id), "Disputes.d.ts", "Dispute");
    expect((await client.disputes.update(dispute.id, { evidence: { uncategorized_text: "winning_evidence" } })).status).toBe("won");
    const closed = await eventOf("charge.dispute.closed", dispute.id);
    expect(closed.data.object).toMatchObject({ id: dispute.id, status: "won" });
    expectShape(closed.data.object, "Disputes.d.ts", "Dispute");

    const lost = (await eventOf("charge.dispute.created", await payWith("4000000000000259"))).data.object as Stripe.Dispute;
    expect((await client.disputes.close(lost.id)).status).toBe("lost");
    expect((await eventOf("charge.dispute.closed", lost.id)).data.object).toMatchObject({ status: "lost" });
    await expect(client.disputes.update(lost.id, { evidence: { uncategorized_text: "winning_evidence" } })).rejects.toThrow(/already closed/);
  });

  /** Buys with "save my card" (setup_future_usage=off_session) on the hosted page; returns the customer and its saved card. */
  async function saveCard(card: string) {
    const customer = await client.customers.create({ email: "saved@example.test" });
    const session = await client.checkout.sessions.create({
      mode: "payment",
      customer: customer.id,
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 1000, product_data: { name: "Starter" } } }],
      payment_intent_data: { setup_future_usage: "off_session" },
      success_url: "http://127.0.0.1:8787/billing",
    });
    await fetch(session.url as string, { method: "POST", body: new URLSearchParams({ email: "saved@example.test", card }), redirect: "manual" });
    const paid = await client.checkout.sessions.retrieve(session.id);
    const intent = await client.paymentIntents.retrieve(paid.payment_intent as string, { expand: ["payment_method"] });
    return { customer: customer.id, intent, method: intent.payment_method as Stripe.PaymentMethod };
  }
  const offSession = (customer: string, method: string, key: string) =>
    client.paymentIntents.create({ amount: 4500, currency: "usd", customer, payment_method: method, off_session: true, confirm: true, metadata: { autoTopUpId: key } }, { idempotencyKey: key });

  it("a card saved at checkout: the PaymentIntent and PaymentMethod in Stripe's shapes; an off-session payment with 4242 succeeds (payment_intent.succeeded), replayed by its key", async () => {
    const { customer, intent, method } = await saveCard("4242 4242 4242 4242");
    expect(intent.setup_future_usage).toBe("off_session");
    expect(method).toMatchObject({ customer, card: { last4: "4242", brand: "visa" } });
    expectShape({ ...intent, payment_method: method.id }, "PaymentIntents.d.ts", "PaymentIntent");
    expectShape(method, "PaymentMethods.d.ts", "PaymentMethod");
    const paid = await offSession(customer, method.id, "shape-ok-1");
    expect(paid).toMatchObject({ status: "succeeded", amount_received: 4500, customer, payment_method: method.id });
    expectShape(paid, "PaymentIntents.d.ts", "PaymentIntent");
    expect((await offSession(customer, method.id, "shape-ok-1")).id).toBe(paid.id);
    const event = await eventOf("payment_intent.succeeded", paid.id);
    expectShape(event.data.object, "PaymentIntents.d.ts", "PaymentIntent");
    expect(events.filter((e) => e.type === "payment_intent.succeeded" && (e.data.object as { id: string }).id === paid.id)).toHaveLength(1);
  });

  it("saved 0002 is declined off-session (402 card_declined with the PaymentIntent inside); saved 3184 needs authentication; saved 3155 does not", async () => {
    const declined = await saveCard("4000000000000002");
    const error = (await offSession(declined.customer, declined.method.id, "shape-decline").catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(error).toMatchObject({ statusCode: 402, code: "card_declined", decline_code: "generic_decline" });
    expect(error.payment_intent).toMatchObject({ status: "requires_payment_method", last_payment_error: { code: "card_declined", type: "card_error" } });
    expectShape(error.payment_intent as object, "PaymentIntents.d.ts", "PaymentIntent");
    expect((await eventOf("payment_intent.payment_failed", error.payment_intent?.id ?? "")).data.object).toMatchObject({ status: "requires_payment_method" });

    const always = await saveCard("4000 0027 6000 3184");
    const auth = (await offSession(always.customer, always.method.id, "shape-auth").catch((e: unknown) => e)) as Stripe.errors.StripeCardError;
    expect(auth).toMatchObject({ statusCode: 402, code: "authentication_required", type: "StripeCardError" });
    expect(auth.payment_intent?.last_payment_error?.code).toBe("authentication_required");

    const setUp = await saveCard("4000 0025 0000 3155");
    expect((await offSession(setUp.customer, setUp.method.id, "shape-3155")).status).toBe("succeeded");
  });

  it("webhook endpoints: the secret only on create; list, update and delete in Stripe's shapes", async () => {
    const created = await client.webhookEndpoints.create({ url: "https://app.example.com/api/webhooks/stripe", enabled_events: ["charge.refunded"], metadata: { environmentId: "production" } });
    expectShape(created, "WebhookEndpoints.d.ts", "WebhookEndpoint");
    expect(created.secret).toMatch(/^whsec_/);
    const listed = await client.webhookEndpoints.list({ limit: 1 });
    expect(listed.data[0]).toMatchObject({ id: created.id, status: "enabled" });
    expect(listed.data[0]).not.toHaveProperty("secret");
    const updated = await client.webhookEndpoints.update(created.id, { enabled_events: ["checkout.session.completed", "charge.refunded"], disabled: true });
    expectShape(updated, "WebhookEndpoints.d.ts", "WebhookEndpoint");
    expect(updated).toMatchObject({ status: "disabled", enabled_events: ["checkout.session.completed", "charge.refunded"], metadata: { environmentId: "production" } });
    expect(await client.webhookEndpoints.del(created.id)).toEqual(expect.objectContaining({ id: created.id, deleted: true }));
    await expect(client.webhookEndpoints.retrieve(created.id)).rejects.toMatchObject({ statusCode: 404 });
  });
});
