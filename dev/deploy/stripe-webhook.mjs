/**
 * Stripe's side of a deploy, through the stripe SDK: one webhook endpoint per environment (its
 * APP_URL/api/webhooks/stripe; environments sharing a Stripe account each have their own, told
 * apart by URL, and carry `metadata.environmentId`), subscribed to exactly the events billing
 * handles — read from src/integrations/stripe/webhook-events.json, the copy of the list the worker
 * exports as HANDLED_STRIPE_EVENTS (a test keeps them equal). Its signing secret is shown once, by the create.
 */
import fs from "node:fs";
import Stripe from "stripe";

export const STRIPE_WEBHOOK_PATH = "/api/webhooks/stripe";
const EVENTS_FILE = new URL("../../src/integrations/stripe/webhook-events.json", import.meta.url);

/** @returns {string[]} */
export function handledStripeEvents() {
  return JSON.parse(fs.readFileSync(EVENTS_FILE, "utf8"));
}

/** @param {{ STRIPE_SECRET_KEY?: string, STRIPE_API_BASE?: string }} inputs */
export function createStripe(inputs) {
  if (!inputs.STRIPE_SECRET_KEY) return undefined;
  const base = inputs.STRIPE_API_BASE ? new URL(inputs.STRIPE_API_BASE) : undefined;
  return new Stripe(inputs.STRIPE_SECRET_KEY, {
    maxNetworkRetries: 2,
    ...(base ? { protocol: /** @type {"http" | "https"} */ (base.protocol.slice(0, -1)), host: base.hostname, port: Number(base.port || (base.protocol === "https:" ? 443 : 80)) } : {}),
  });
}

/** @param {import("./steps.mjs").DeployContext} ctx */
async function findEndpoint(ctx) {
  const stripe = /** @type {Stripe} */ (ctx.stripe());
  const url = `${ctx.env.vars.APP_URL}${STRIPE_WEBHOOK_PATH}`;
  const all = await stripe.webhookEndpoints.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
  const mine = all.filter((endpoint) => endpoint.url === url);
  return { url, endpoint: mine[0], duplicates: mine.slice(1) };
}

const sameEvents = (a, b) => a.length === b.length && a.every((event) => b.includes(event));

/** @type {import("./steps.mjs").DeployStep} */
export const stripeWebhookStep = {
  id: "stripe-webhook",
  title: "Stripe webhook endpoint",
  async check(ctx) {
    const events = handledStripeEvents();
    const url = `${ctx.env.vars.APP_URL}${STRIPE_WEBHOOK_PATH}`;
    if (!ctx.stripe()) return { status: "blocked", summary: `would create or check the endpoint ${url} for ${events.join(", ")} (needs STRIPE_SECRET_KEY)` };
    const { endpoint, duplicates } = await findEndpoint(ctx);
    const extra = duplicates.length ? ` (${duplicates.map((d) => d.id).join(", ")} also use this URL: delete them in Stripe's dashboard)` : "";
    if (!endpoint) return { status: "todo", summary: `no endpoint for ${url}`, actions: [`create it for ${events.join(", ")}`] };
    const changes = [];
    if (!sameEvents(endpoint.enabled_events, events)) changes.push(`events ${endpoint.enabled_events.join(", ")} → ${events.join(", ")}`);
    if (endpoint.status !== "enabled") changes.push(`status ${endpoint.status} → enabled`);
    if (endpoint.metadata?.environmentId !== ctx.env.vars.ENVIRONMENT_ID) changes.push(`metadata.environmentId → ${ctx.env.vars.ENVIRONMENT_ID}`);
    if (!changes.length) return { status: "done", summary: `${endpoint.id} listens for exactly ${events.length} events${extra}` };
    return { status: "todo", summary: `${endpoint.id} differs${extra}`, actions: changes };
  },
  async apply(ctx) {
    const stripe = /** @type {Stripe} */ (ctx.stripe());
    const events = /** @type {Stripe.WebhookEndpointCreateParams.EnabledEvent[]} */ (handledStripeEvents());
    const metadata = { environmentId: ctx.env.vars.ENVIRONMENT_ID ?? "" };
    const { url, endpoint } = await findEndpoint(ctx);
    if (endpoint) {
      await stripe.webhookEndpoints.update(endpoint.id, { enabled_events: events, disabled: false, metadata });
      return `updated ${endpoint.id}`;
    }
    const created = await stripe.webhookEndpoints.create({ url, enabled_events: events, metadata, description: `Agentline ${ctx.env.name}` });
    // Stripe shows the signing secret only now: print it once, with where it goes.
    ctx.print(`\nStripe webhook signing secret for ${ctx.env.name} (shown once; it is not stored here):\n  ${created.secret}\n  set it: npx wrangler secret put STRIPE_WEBHOOK_SECRET --env ${ctx.env.name}\n`);
    return `created ${created.id} for ${url}; its signing secret is printed above`;
  },
};
