/**
 * Stripe stand-in: the hosted checkout page (`GET /pay/:sessionId`). Its Pay button POSTs
 * back, which creates the charge, completes the session, sends `checkout.session.completed`
 * (with `request.id` null: nothing in the merchant's API caused it) and redirects to the
 * session's success_url.
 */

import { newCharge } from "./stripe-charges.mjs";
import { refreshed } from "./stripe-checkout-sessions.mjs";
import { DISPUTED_CARD, openDispute } from "./stripe-disputes.mjs";
import { describeDelivery } from "./stripe-events.mjs";
import { checkoutPaymentIntent } from "./stripe-payment-intents.mjs";

/** @param {import("./stripe.mjs").StripeContext} ctx */
export function payPageRoutes(ctx) {
  function show(req) {
    const record = ctx.sessions.get(req.params[0]);
    if (!record) return page(404, "Checkout session not found", `<p>There is no checkout session <code>${escapeHtml(req.params[0])}</code>.</p>`);
    const { session, lines } = refreshed(ctx, record);
    if (session.status === "complete") {
      const back = session.success_url ? `<p><a href="${escapeHtml(successUrl(session))}">Return to the merchant</a></p>` : "";
      return page(200, "Already paid", `<p>This checkout session has been paid.</p>${back}`);
    }
    if (session.status === "expired") return page(410, "Session expired", "<p>This checkout session has expired.</p>");
    const rows = lines
      .map((line) => `<tr><td>${escapeHtml(line.name)}${line.description ? `<br><small>${escapeHtml(line.description)}</small>` : ""}</td><td>× ${line.quantity}</td><td>${money(line.unitAmount * line.quantity, line.currency)}</td></tr>`)
      .join("");
    const customer = session.customer ? ctx.customers.get(session.customer) : null;
    const email = customer?.email ?? session.customer_email ?? "";
    const cancel = session.cancel_url ? `<a class="cancel" href="${escapeHtml(session.cancel_url)}">Cancel and go back</a>` : "";
    return page(
      200,
      "Sandbox checkout",
      `<p class="badge">Sandbox: no real card is charged</p>
       <table>${rows}<tr class="total"><td>Total</td><td></td><td>${money(session.amount_total, session.currency)}</td></tr></table>
       <form method="post" action="/pay/${escapeHtml(session.id)}">
         <label>Email <input name="email" type="email" value="${escapeHtml(email)}" required></label>
         <label>Card number <input name="card" value="4242 4242 4242 4242" inputmode="numeric"></label>
         <p class="hint">Stripe's test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0259 pays and is then disputed; 4000 0000 0000 5126 pays, and its refunds fail a moment after they succeed.${record.setupFutureUsage ? " This card is saved for later payments: saved, 4000 0000 0000 0002 (or 0341) is declined and 4000 0027 6000 3184 needs authentication; 4000 0025 0000 3155 needs none once saved." : ""}</p>
         <button type="submit">Pay ${money(session.amount_total, session.currency)}</button>
       </form>${cancel}`,
    );
  }

  async function pay(req) {
    const record = ctx.sessions.get(req.params[0]);
    if (!record) return page(404, "Checkout session not found", "<p>No such checkout session.</p>");
    const { session } = refreshed(ctx, record);
    if (session.status !== "open") return page(409, "Not payable", `<p>This checkout session is ${escapeHtml(session.status)}.</p>`);
    const form = new URLSearchParams(req.rawBody);
    const customer = session.customer ? ctx.customers.get(session.customer) : null;
    const card = (form.get("card") ?? "").replace(/[\s-]/g, "");
    const charge = newCharge(record, { email: form.get("email") || customer?.email || null, name: customer?.name ?? null, card });
    checkoutPaymentIntent(ctx, record, charge, card);
    ctx.charges.set(charge.id, charge);
    Object.assign(session, {
      status: "complete",
      payment_status: "paid",
      payment_intent: charge.payment_intent,
      customer_details: { address: charge.billing_details.address, email: charge.billing_details.email, name: charge.billing_details.name, phone: null, tax_exempt: "none", tax_ids: [] },
    });
    ctx.sessions.save();
    const event = await ctx.emit("checkout.session.completed", { ...session }, { apiVersion: record.apiVersion });
    // As in Stripe's test mode, the disputed card's charge is disputed once it has succeeded.
    if (card === DISPUTED_CARD) void openDispute(ctx, charge, record.apiVersion);
    if (!session.success_url) return page(200, "Payment complete", `<p>Paid. Webhook delivery: ${escapeHtml(describeDelivery(event))}.</p>`);
    return { status: 303, headers: { location: successUrl(session) }, text: "" };
  }

  return [
    { method: "GET", path: /^\/pay\/([^/]+)$/, handle: show },
    { method: "POST", path: /^\/pay\/([^/]+)$/, handle: pay },
  ];
}

function successUrl(session) {
  return String(session.success_url).replaceAll("{CHECKOUT_SESSION_ID}", session.id);
}

function money(amount, currency) {
  const zeroDecimal = currency === "jpy";
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: currency.toUpperCase() }).format(zeroDecimal ? amount : amount / 100);
  } catch {
    return `${amount} ${currency}`;
  }
}

function page(status, title, body) {
  return {
    status,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)} · Stripe stand-in</title>
<style>
  body{font:16px/1.5 system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem;color:#1a1a2e}
  h1{font-size:1.4rem} table{width:100%;border-collapse:collapse;margin:1rem 0} td{padding:.4rem 0;border-bottom:1px solid #eee}
  td:last-child{text-align:right} .total td{font-weight:600;border-bottom:none} label{display:block;margin:.6rem 0}
  input{width:100%;padding:.5rem;box-sizing:border-box;font:inherit} button{width:100%;padding:.7rem;margin-top:1rem;background:#635bff;color:#fff;border:0;border-radius:6px;font:inherit;font-weight:600;cursor:pointer}
  .hint{font-size:.8rem;color:#555} .badge{display:inline-block;background:#fff4d6;color:#7a5300;padding:.2rem .6rem;border-radius:4px;font-size:.85rem} .cancel{display:block;text-align:center;margin-top:1rem}
</style></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  };
}

function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
}
