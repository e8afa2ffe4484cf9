import { afterEach, describe, expect, it } from "vitest";
import { expectConsoleError } from "../../support/console-trap";
import { envWith } from "../../support/env";
import { createUser } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { stripeStandIn } from "../../support/stripe";
import { stripeError } from "../../support/vendor-errors";

const stripe = stripeStandIn();
afterEach(() => stripe.reset());

describe("POST /api/billing/checkout: errors", () => {
  it("an unknown pack is 400 validation_failed naming packId, and Stripe is not called", async () => {
    const { cookie } = await createUser();
    const mark = await stripe.mark();
    const response = await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "mega" } });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    expect(error.details).toEqual([{ path: "packId", message: "must be one of starter, growth, pro" }]);
    expect(await stripe.requests(mark)).toEqual([]);
  });

  it("a missing packId is 400 validation_failed", async () => {
    const { cookie } = await createUser();
    const response = await call("/api/billing/checkout", { method: "POST", cookie, json: {} });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("validation_failed");
  });

  it("without STRIPE_SECRET_KEY it is 503 service_not_configured", async () => {
    expectConsoleError(/"code":"service_not_configured"/);
    const { cookie } = await createUser();
    const response = await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "starter" }, env: envWith({ STRIPE_SECRET_KEY: undefined }) });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe("service_not_configured");
  });

  it("Stripe refusing the session is 502 upstream_error, without Stripe's internals", async () => {
    expectConsoleError(/"code":"upstream_error"/);
    const { cookie } = await createUser();
    await stripe.fault({
      method: "POST",
      path: "/v1/checkout/sessions",
      status: 400,
      body: stripeError("invalid_request_error", "parameter_invalid_integer", "Invalid integer: abc", "line_items[0][price_data][unit_amount]"),
    });
    const response = await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "starter" } });
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error.code).toBe("upstream_error");
    expect(error.message).toBe("Stripe could not start the checkout.");
  });

  it("Stripe unreachable is 502 upstream_error", async () => {
    expectConsoleError(/"code":"upstream_error"/);
    const { cookie } = await createUser();
    const response = await call("/api/billing/checkout", {
      method: "POST",
      cookie,
      json: { packId: "starter" },
      env: envWith({ STRIPE_API_BASE: "http://127.0.0.1:9" }),
    });
    expect(response.status).toBe(502);
    expect((await errorOf(response)).message).toMatch(/Could not reach Stripe/);
  });

  it("a malformed CREDIT_PACKS is 500 config_invalid naming the variable", async () => {
    expectConsoleError(/Invalid configuration: CREDIT_PACKS/);
    const response = await call("/api/billing/packs", { env: envWith({ CREDIT_PACKS: '[{"id":"x","name":"X","credits":0,"priceCents":100,"currency":"usd"}]' }) });
    expect(response.status).toBe(500);
    const error = await errorOf(response);
    expect(error.code).toBe("config_invalid");
    expect(error.message).toMatch(/CREDIT_PACKS\.0\.credits/);
    const notJson = await call("/api/billing/packs", { env: envWith({ CREDIT_PACKS: "starter=100" }) });
    expect((await errorOf(notJson)).message).toMatch(/CREDIT_PACKS must be a JSON array/);
  });
});

describe("POST /api/billing/checkout: security", () => {
  it("needs a session: 401 unauthenticated", async () => {
    const response = await call("/api/billing/checkout", { method: "POST", json: { packId: "starter" } });
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("unauthenticated");
  });

  it("refuses a cross-site request: 403 bad_origin", async () => {
    const { cookie } = await createUser();
    const response = await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "starter" }, headers: { origin: "https://evil.example" } });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe("bad_origin");
  });

  it("limits how many checkouts one user can start in an hour", async () => {
    const { cookie } = await createUser();
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "starter" } })).status);
    expect(statuses.slice(0, 20).every((status) => status === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});
