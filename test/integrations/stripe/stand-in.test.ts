/**
 * The Stripe stand-in answers as Stripe does: the tests and the sandbox rely on it refusing what
 * Stripe would refuse, in Stripe's error format.
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { apiBaseOptions, stripeClient } from "../../../src/integrations/stripe/client";
import { testEnv } from "../../support/env";
import { stripeStandIn } from "../../support/stripe";

const stripe = stripeStandIn();
const validSession = {
  mode: "payment",
  "line_items[0][quantity]": "1",
  "line_items[0][price_data][currency]": "usd",
  "line_items[0][price_data][unit_amount]": "1000",
  "line_items[0][price_data][product_data][name]": "Starter",
  success_url: "http://127.0.0.1:8787/billing?checkout=success",
};

describe("the Stripe stand-in", () => {
  it("refuses a request without the secret key, as Stripe does", async () => {
    const response = await fetch(`${stripe.url}/v1/customers`, { method: "POST" });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error", message: expect.stringContaining("You did not provide an API key") } });
    const wrong = await fetch(`${stripe.url}/v1/customers`, { method: "POST", headers: { authorization: "Bearer sk_test_wrong_key_0000" } });
    expect(wrong.status).toBe(401);
  });

  it("validates Checkout Session parameters and names the failing one", async () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ ...validSession, mode: "rental" }, "mode", "Invalid mode"],
      [{ mode: "payment" }, "line_items", "Missing required param: line_items."],
      [{ ...validSession, "line_items[0][price_data][currency]": "" }, "line_items[0][price_data][currency]", "Invalid currency"],
      [omit(validSession, "line_items[0][price_data][unit_amount]"), "line_items[0][price_data][unit_amount]", "Missing required param"],
      [omit(validSession, "line_items[0][quantity]"), "line_items[0][quantity]", "Missing required param"],
      [omit(validSession, "line_items[0][price_data][product_data][name]"), "line_items[0][price_data][product_data]", "either `product` or `product_data`"],
      [
        { ...omit(validSession, "line_items[0][price_data][product_data][name]"), "line_items[0][price_data][product_data][description]": "x" },
        "line_items[0][price_data][product_data][name]",
        "Missing required param",
      ],
      [{ ...validSession, success_url: "not a url" }, "success_url", "Not a valid URL"],
      [{ ...validSession, customer: "cus_missing" }, "customer", "No such customer"],
      [{ ...validSession, "line_items[0][price_data][unit_amount]": "10" }, "line_items", "at least 50"],
      [{ ...validSession, colour: "blue" }, "colour", "Received unknown parameter: colour"],
      // `hosted` was renamed `hosted_page` in the API version we pin.
      [{ ...validSession, ui_mode: "hosted" }, "ui_mode", "Invalid ui_mode: must be one of elements, embedded_page, form, hosted_page"],
      [omit(validSession, "mode"), "mode", "Missing required param: mode."],
    ];
    for (const [params, param, message] of cases) {
      const { status, body } = await stripe.api("POST", "/v1/checkout/sessions", params);
      expect({ status, param: (body.error as { param?: string }).param }).toEqual({ status: 400, param });
      expect((body.error as { message: string; type: string }).message).toContain(message);
      expect((body.error as { type: string }).type).toBe("invalid_request_error");
    }
  });

  it("creates a session with the shape Stripe returns", async () => {
    const { status, body } = await stripe.api("POST", "/v1/checkout/sessions", { ...validSession, "metadata[userId]": "u1", client_reference_id: "u1" });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_total: 1000,
      currency: "usd",
      client_reference_id: "u1",
      metadata: { userId: "u1" },
      url: expect.stringMatching(/\/pay\/cs_test_/),
    });
  });

  it("replays an Idempotency-Key, and refuses it with other parameters", async () => {
    const key = `idem-${crypto.randomUUID()}`;
    const send = (email: string) =>
      fetch(`${stripe.url}/v1/customers`, {
        method: "POST",
        headers: { authorization: `Bearer ${String(testEnv.STRIPE_SECRET_KEY)}`, "idempotency-key": key, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ email }).toString(),
      });
    const first = (await (await send("a@example.test")).json()) as { id: string };
    const again = await send("a@example.test");
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as { id: string }).id).toBe(first.id);
    const other = await send("b@example.test");
    expect(other.status).toBe(400);
    expect(await other.json()).toMatchObject({ error: { type: "idempotency_error" } });
  });

  it("answers every request with a Request-Id and the pinned version, which the SDK reads", async () => {
    const client = await stripeClient(loadConfig(testEnv));
    const session = await client.checkout.sessions.create({
      mode: "payment",
      ui_mode: "hosted_page",
      line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 1000, product_data: { name: "Starter" } } }],
      success_url: "http://127.0.0.1:8787/billing",
    });
    expect(session.ui_mode).toBe("hosted_page");
    expect(session.lastResponse.requestId).toMatch(/^req_\w{14}$/);
    expect(session.lastResponse.apiVersion).toBe(Stripe.API_VERSION);
    const again = await client.checkout.sessions.retrieve(session.id);
    expect(again.lastResponse.requestId).not.toBe(session.lastResponse.requestId);
    const refused = await client.checkout.sessions.retrieve("cs_test_missing").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(refused).toMatchObject({ statusCode: 404, code: "resource_missing", requestId: expect.stringMatching(/^req_/) });
  });

  it("is what the real SDK talks to when STRIPE_API_BASE points at it", async () => {
    expect(apiBaseOptions("http://127.0.0.1:4242")).toEqual({ host: "127.0.0.1", port: 4242, protocol: "http" });
    expect(apiBaseOptions("https://api.stripe.com")).toEqual({ host: "api.stripe.com", port: 443, protocol: "https" });
    const client = await stripeClient(loadConfig(testEnv));
    const customer = await client.customers.create({ email: "sdk@example.test" });
    expect(customer.id).toMatch(/^cus_/);
    await expect(client.checkout.sessions.retrieve("cs_test_missing")).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
  });
});

function omit(params: Record<string, string>, key: string) {
  const copy = { ...params };
  delete copy[key];
  return copy;
}
