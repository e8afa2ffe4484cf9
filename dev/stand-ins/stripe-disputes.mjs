/**
 * Stripe stand-in: Disputes, as Stripe's test mode makes them. A charge paid with the test card
 * 4000 0000 0000 0259 is disputed as fraudulent right after it succeeds (`charge.dispute.created`);
 * the dispute is closed the way Stripe's test mode closes one:
 *   POST /v1/disputes/:id        evidence[uncategorized_text]=winning_evidence → won,
 *                                 …=losing_evidence → lost (`charge.dispute.closed`)
 *   POST /v1/disputes/:id/close  accepts the dispute: lost (`charge.dispute.closed`)
 *   GET  /v1/disputes/:id
 * Objects carry every field the pinned API version's Dispute declares (test/dev/stripe-shapes.test.ts).
 */
import { invalid, noSuch, now, randomId, stripeError, unknownParam } from "./stripe-wire.mjs";

/** Stripe's test card whose charge is disputed (https://docs.stripe.com/testing#disputes). */
export const DISPUTED_CARD = "4000000000000259";

const EVIDENCE_FIELDS = [
  "access_activity_log", "billing_address", "cancellation_policy", "cancellation_policy_disclosure", "cancellation_rebuttal",
  "customer_communication", "customer_email_address", "customer_name", "customer_purchase_ip", "customer_signature",
  "duplicate_charge_documentation", "duplicate_charge_explanation", "duplicate_charge_id", "product_description", "receipt",
  "refund_policy", "refund_policy_disclosure", "refund_refusal_explanation", "service_date", "service_documentation",
  "shipping_address", "shipping_carrier", "shipping_date", "shipping_documentation", "shipping_tracking_number",
  "uncategorized_file", "uncategorized_text",
];

/** The dispute Stripe opens on a charge paid with the disputed test card. */
export function newDispute(charge) {
  return {
    id: `dp_${randomId(24)}`,
    object: "dispute",
    amount: charge.amount,
    balance_transactions: [],
    charge: charge.id,
    created: now(),
    currency: charge.currency,
    enhanced_eligibility_types: [],
    evidence: { ...Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, null])), enhanced_evidence: {} },
    evidence_details: { due_by: now() + 7 * 86_400, enhanced_eligibility: {}, has_evidence: false, past_due: false, submission_count: 0, submission_method: null },
    intended_submission_method: null,
    is_charge_refundable: false,
    livemode: false,
    metadata: {},
    payment_intent: charge.payment_intent,
    payment_method_details: { card: { brand: "visa", case_type: "chargeback", network_reason_code: "10.4" }, type: "card" },
    reason: "fraudulent",
    status: "needs_response",
  };
}

/**
 * Opens the dispute of a charge paid with the disputed card: marks the charge, sends the event.
 * @param {import("./stripe.mjs").StripeContext} ctx
 */
export function openDispute(ctx, charge, apiVersion) {
  const dispute = newDispute(charge);
  ctx.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  ctx.charges.save();
  return ctx.emit("charge.dispute.created", { ...dispute }, { apiVersion });
}

/** @param {import("./stripe.mjs").StripeContext} ctx */
export function disputeRoutes(ctx) {
  const apiVersionOf = (dispute) => ctx.sessions.values().find((record) => record.session.payment_intent === dispute.payment_intent)?.apiVersion;

  function close(req, dispute, status) {
    const previous = { status: dispute.status };
    dispute.status = status;
    ctx.disputes.save();
    void ctx.emit("charge.dispute.closed", { ...dispute }, {
      previousAttributes: previous,
      apiVersion: apiVersionOf(dispute),
      request: { id: req.requestId, idempotency_key: req.headers["idempotency-key"] ?? null },
    });
    return { json: dispute };
  }

  const closed = (dispute) => ["won", "lost", "warning_closed", "prevented"].includes(dispute.status);

  function update(req, params) {
    const dispute = ctx.disputes.get(req.params[0]);
    if (!dispute) return noSuch("dispute", req.params[0]);
    const unknown = unknownParam(params, ["evidence", "metadata", "submit"]);
    if (unknown) return unknown;
    if (closed(dispute)) return stripeError(400, "invalid_request_error", undefined, `This dispute is already closed (${dispute.status}).`);
    const evidence = params.evidence ?? {};
    for (const field of Object.keys(evidence)) if (!EVIDENCE_FIELDS.includes(field)) return invalid(`evidence[${field}]`, `Received unknown parameter: evidence[${field}]`);
    Object.assign(dispute.evidence, evidence);
    if (params.metadata) Object.assign(dispute.metadata, params.metadata);
    if (Object.keys(evidence).length > 0) {
      dispute.evidence_details.has_evidence = true;
      dispute.evidence_details.submission_count += 1;
    }
    // Stripe's test mode decides the outcome from this text at once (https://docs.stripe.com/testing#evidence).
    if (evidence.uncategorized_text === "winning_evidence") return close(req, dispute, "won");
    if (evidence.uncategorized_text === "losing_evidence") return close(req, dispute, "lost");
    dispute.status = "under_review";
    ctx.disputes.save();
    return { json: dispute };
  }

  function accept(req) {
    const dispute = ctx.disputes.get(req.params[0]);
    if (!dispute) return noSuch("dispute", req.params[0]);
    if (closed(dispute)) return stripeError(400, "invalid_request_error", undefined, `This dispute is already closed (${dispute.status}).`);
    return close(req, dispute, "lost");
  }

  const retrieve = (req) => {
    const dispute = ctx.disputes.get(req.params[0]);
    return dispute ? { json: dispute } : noSuch("dispute", req.params[0]);
  };

  return [
    { method: "GET", path: /^\/v1\/disputes\/([^/]+)$/, handle: ctx.api(retrieve) },
    { method: "POST", path: /^\/v1\/disputes\/([^/]+)\/close$/, handle: ctx.api(accept, { mutating: true }) },
    { method: "POST", path: /^\/v1\/disputes\/([^/]+)$/, handle: ctx.api(update, { mutating: true }) },
  ];
}
