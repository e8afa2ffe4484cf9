/**
 * Stripe stand-in: Charges. The hosted page's Pay creates one (`newCharge`); `GET
 * /v1/charges/:id` reads it back, with every field the pinned API version's Charge carries.
 */
import { noSuch, now, randomId } from "./stripe-wire.mjs";

/**
 * The succeeded card charge behind a paid Checkout Session.
 * @param {{ session: any, paymentIntentMetadata: Record<string, string> }} record
 * @param {{ email: string | null, name: string | null, card?: string }} payer
 *   `card`: the number typed on the hosted page (Stripe's test cards decide what happens next).
 */
export function newCharge(record, payer) {
  const last4 = /^\d{12,19}$/.test(payer.card ?? "") ? String(payer.card).slice(-4) : "4242";
  const { session } = record;
  return cardCharge({
    amount: session.amount_total,
    currency: session.currency,
    customer: session.customer,
    description: null,
    metadata: { ...record.paymentIntentMetadata },
    paymentIntent: `pi_${randomId(24)}`,
    paymentMethod: `pm_${randomId(24)}`,
    billingDetails: { address: { city: null, country: null, line1: null, line2: null, postal_code: null, state: null }, email: payer.email, name: payer.name, phone: null, tax_id: null },
    card: { brand: "visa", checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" }, country: "US", exp_month: 12, exp_year: new Date().getUTCFullYear() + 3, fingerprint: randomId(16), funding: "credit", last4 },
  });
}

/**
 * A succeeded card charge with every field the pinned API version's Charge carries: the hosted
 * page's (newCharge) and an off-session payment's (stripe-payment-intents.mjs).
 */
export function cardCharge({ amount, currency, customer, description, metadata, paymentIntent, paymentMethod, billingDetails, card }) {
  return {
    id: `ch_${randomId(24)}`,
    object: "charge",
    amount,
    amount_captured: amount,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: `txn_${randomId(24)}`,
    billing_details: billingDetails,
    calculated_statement_descriptor: "AGENTLINE SANDBOX",
    captured: true,
    created: now(),
    currency,
    customer,
    description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    fraud_details: {},
    livemode: false,
    metadata,
    on_behalf_of: null,
    outcome: { advice_code: null, network_advice_code: null, network_decline_code: null, network_status: "approved_by_network", reason: null, risk_level: "normal", risk_score: 32, seller_message: "Payment complete.", type: "authorized" },
    paid: true,
    payment_intent: paymentIntent,
    payment_method: paymentMethod,
    payment_method_details: {
      card: { amount_authorized: amount, brand: card.brand, checks: card.checks, country: card.country, exp_month: card.exp_month, exp_year: card.exp_year, fingerprint: card.fingerprint, funding: card.funding, last4: card.last4, network: card.brand, three_d_secure: null, wallet: null },
      type: "card",
    },
    receipt_email: null,
    receipt_number: null,
    receipt_url: null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: "succeeded",
    transfer_data: null,
    transfer_group: null,
  };
}

/** @param {import("./stripe.mjs").StripeContext} ctx */
export function chargeRoutes(ctx) {
  const retrieve = (req) => {
    const charge = ctx.charges.get(req.params[0]);
    return charge ? { json: charge } : noSuch("charge", req.params[0]);
  };
  return [{ method: "GET", path: /^\/v1\/charges\/([^/]+)$/, handle: ctx.api(retrieve) }];
}
