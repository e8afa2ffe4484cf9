/**
 * The side-effects consumer's `billing.auto_top_up`: the off-session payment of one top-up the
 * CreditAccount claimed (services/billing/auto-top-up.ts). A Stripe outage throws, so the queue
 * retries with backoff and the same Idempotency-Key; a decline or an authentication request is
 * an answer, not a failure: it pauses auto top-up and the message is done.
 */
import { payAutoTopUp } from "../services/billing/auto-top-up";
import type { SideEffectHandler, SideEffectHandlers } from "./consumer";

const autoTopUp: SideEffectHandler<"billing.auto_top_up"> = (message, context) => payAutoTopUp(context, message.businessId, message.topUpId);

export const billingHandlers = { "billing.auto_top_up": autoTopUp } satisfies SideEffectHandlers;
