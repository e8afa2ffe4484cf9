/**
 * Stripe stand-in: Refunds (`POST /v1/refunds` by charge or payment intent, full or partial).
 * Each refund updates its charge and sends `charge.refunded`, carrying the id and idempotency
 * key of the API request that caused it, as Stripe's events do.
 *
 * As in Stripe's test mode, a refund of a charge paid with the test card 4000 0000 0000 5126
 * succeeds first and fails a moment later (https://docs.stripe.com/testing#refunds): once
 * `charge.refunded` has been delivered, the refund turns `failed` (failure_reason
 * `expired_or_canceled_card`, a failure balance transaction), the charge's refunded amount drops
 * back, and `charge.refund.updated`, `refund.updated` and `refund.failed` are sent, in that order.
 */
import { invalid, missing, missingResource, now, randomId, stripeError, unknownParam } from "./stripe-wire.mjs";

/** Stripe's test card whose refunds fail asynchronously. */
export const FAILING_REFUND_CARD = "4000000000005126";

/** @param {import("./stripe.mjs").StripeContext} ctx */
export function refundRoutes(ctx) {
  function create(req, params) {
    const unknown = unknownParam(params, ["payment_intent", "charge", "amount", "reason", "metadata"]);
    if (unknown) return unknown;
    if (params.payment_intent === undefined && params.charge === undefined) return missing("charge", "One of the following params should be provided for this request: payment_intent or charge.");
    const charge = params.charge !== undefined ? ctx.charges.get(params.charge) : ctx.charges.values().find((c) => c.payment_intent === params.payment_intent);
    if (!charge) {
      return params.charge !== undefined
        ? missingResource("charge", `No such charge: '${params.charge}'`)
        : missingResource("payment_intent", `No such payment_intent: '${params.payment_intent}'`);
    }
    if (params.reason !== undefined && !["duplicate", "fraudulent", "requested_by_customer"].includes(params.reason)) {
      return invalid("reason", "Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer");
    }
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining <= 0) return stripeError(400, "invalid_request_error", "charge_already_refunded", `Charge ${charge.id} has already been refunded.`);
    const amount = params.amount === undefined ? remaining : Number(params.amount);
    if (!/^\d+$/.test(String(params.amount ?? remaining)) || amount < 1) return invalid("amount", "Invalid positive integer");
    if (amount > remaining) return invalid("amount", `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`);
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    ctx.charges.save();
    const refund = {
      id: `re_${randomId(24)}`,
      object: "refund",
      amount,
      balance_transaction: `txn_${randomId(24)}`,
      charge: charge.id,
      created: now(),
      currency: charge.currency,
      customer: charge.customer,
      customer_account: null,
      destination_details: { card: { reference_status: "pending", reference_type: "acquirer_reference_number", type: "refund" }, type: "card" },
      metadata: params.metadata ?? {},
      payment_intent: charge.payment_intent,
      payment_method: charge.payment_method,
      reason: params.reason ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: "succeeded",
      transfer_reversal: null,
    };
    ctx.refunds.set(refund.id, refund);
    const session = ctx.sessions.values().find((record) => record.session.payment_intent === charge.payment_intent);
    const refunded = ctx.emit("charge.refunded", { ...charge }, {
      previousAttributes: previous,
      apiVersion: session?.apiVersion,
      request: { id: req.requestId, idempotency_key: req.headers["idempotency-key"] ?? null },
    });
    if (charge.payment_method_details?.card?.last4 === FAILING_REFUND_CARD.slice(-4)) void refunded.then(() => fail(refund, charge, session?.apiVersion));
    return { json: refund };
  }

  /** The refund fails after the fact: no API request of ours caused it (request.id null). */
  async function fail(refund, charge, apiVersion) {
    Object.assign(refund, { status: "failed", failure_reason: "expired_or_canceled_card", failure_balance_transaction: `txn_${randomId(24)}` });
    ctx.refunds.save();
    charge.amount_refunded = Math.max(0, charge.amount_refunded - refund.amount);
    charge.refunded = charge.amount_refunded === charge.amount;
    ctx.charges.save();
    const previous = { status: "succeeded" };
    await ctx.emit("charge.refund.updated", { ...refund }, { previousAttributes: previous, apiVersion });
    await ctx.emit("refund.updated", { ...refund }, { previousAttributes: previous, apiVersion });
    await ctx.emit("refund.failed", { ...refund }, { apiVersion });
  }

  return [{ method: "POST", path: "/v1/refunds", handle: ctx.api(create, { mutating: true }) }];
}
