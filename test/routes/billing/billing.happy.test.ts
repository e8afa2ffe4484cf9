import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { businesses } from "../../../src/db/schema";
import { db } from "../../support/db";
import { envWith, testEnv } from "../../support/env";
import { createUser } from "../../support/factories";
import { APP_ORIGIN, call } from "../../support/http";
import { stripeStandIn } from "../../support/stripe";

const stripe = stripeStandIn();

describe("GET /api/billing/packs", () => {
  it("lists the configured packs (the defaults when CREDIT_PACKS is unset)", async () => {
    const response = await call("/api/billing/packs");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      packs: [
        { id: "starter", name: "Starter", credits: 100, priceCents: 1000, currency: "usd" },
        { id: "growth", name: "Growth", credits: 500, priceCents: 4500, currency: "usd" },
        { id: "pro", name: "Pro", credits: 2000, priceCents: 16000, currency: "usd" },
      ],
    });
  });

  it("serves the packs CREDIT_PACKS configures", async () => {
    const packs = [{ id: "tiny", name: "Tiny", credits: 10, priceCents: 199, currency: "EUR" }];
    const response = await call("/api/billing/packs", { env: envWith({ CREDIT_PACKS: JSON.stringify(packs) }) });
    expect(await response.json()).toEqual({ packs: [{ ...packs[0], currency: "eur" }] });
  });
});

describe("POST /api/billing/checkout", () => {
  it("creates a Checkout Session for the pack and answers its URL", async () => {
    const { user, cookie } = await createUser({ name: "Ada" });
    const mark = await stripe.mark();
    const response = await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "growth" } });
    expect(response.status).toBe(200);
    const { url } = (await response.json()) as { url: string };
    expect(url).toMatch(new RegExp(`^${stripe.url}/pay/cs_test_`));

    const sent = await stripe.requests(mark);
    const customerCall = sent.find((r) => r.path === "/v1/customers");
    const sessionCall = sent.find((r) => r.path === "/v1/checkout/sessions");
    expect(customerCall?.headers.authorization).toBe(`Bearer ${String(testEnv.STRIPE_SECRET_KEY)}`);
    expect(customerCall?.body).toMatchObject({ email: user.email, name: "Ada", "metadata[businessId]": user.id });
    expect(sessionCall?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    expect(sessionCall?.body).toMatchObject({
      mode: "payment",
      client_reference_id: user.id,
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][unit_amount]": "4500",
      "line_items[0][price_data][product_data][name]": "Growth: 500 credits",
      "metadata[businessId]": user.id,
      "metadata[packId]": "growth",
      "metadata[credits]": "500",
      success_url: `${APP_ORIGIN}/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${APP_ORIGIN}/billing?checkout=cancelled`,
    });

    const [stored] = await db.select({ customer: businesses.stripeCustomerId }).from(businesses).where(eq(businesses.id, user.id));
    expect(stored?.customer).toMatch(/^cus_/);
    expect((sessionCall?.body as Record<string, string> | undefined)?.customer).toBe(stored?.customer);
  });

  it("creates the Stripe customer once and reuses it", async () => {
    const { cookie } = await createUser();
    const mark = await stripe.mark();
    await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "starter" } });
    await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "pro" } });
    const sent = await stripe.requests(mark);
    expect(sent.filter((r) => r.path === "/v1/customers")).toHaveLength(1);
    const sessions = sent.filter((r) => r.path === "/v1/checkout/sessions").map((r) => (r.body as Record<string, string>).customer);
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toBe(sessions[1]);
  });

  it("replaces a stored customer Stripe no longer knows (deleted, or another account) and checks out", async () => {
    const { user, cookie } = await createUser({ stripeCustomerId: `cus_gone_${crypto.randomUUID().slice(0, 8)}` });
    const response = await call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "starter" } });
    expect(response.status).toBe(200);
    const [stored] = await db.select({ customer: businesses.stripeCustomerId }).from(businesses).where(eq(businesses.id, user.id));
    expect(stored?.customer).toMatch(/^cus_/);
    expect(stored?.customer).not.toBe(user.stripeCustomerId);
    const state = await stripe.stateNow();
    expect(state.customers.some((customer) => customer.id === stored?.customer)).toBe(true);
  });

  it("two checkouts started at once still make one customer", async () => {
    const { user, cookie } = await createUser();
    const responses = await Promise.all(
      [1, 2, 3].map(() => call("/api/billing/checkout", { method: "POST", cookie, json: { packId: "starter" } })),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    const state = await stripe.stateNow();
    const mine = state.customers.filter((customer) => customer.metadata?.businessId === user.id);
    expect(mine).toHaveLength(1);
    const [stored] = await db.select({ customer: businesses.stripeCustomerId }).from(businesses).where(eq(businesses.id, user.id));
    expect(stored?.customer).toBe(mine[0]?.id);
  });
});
