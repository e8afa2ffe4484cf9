/**
 * `payment_intent.*` events (docs/decisions/0211-auto-top-up.md). Only auto top-ups are acted on
 * (their PaymentIntent carries `autoTopUpId`): Checkout's own payments are credited by
 * `checkout.session.completed`, and crediting them here too would be a second path to one pack.
 * - `payment_intent.succeeded` credits the pack through the purchase path of the CreditAccount,
 *   anchored on the PaymentIntent (ledger key `stripe:auto-top-up:<pi>`, and the unique purchase
 *   anchor), so redeliveries, or the event arriving twice at once, credit it once; refunds and
 *   disputes of it later find it by that anchor as they find a checkout's.
 * - `payment_intent.payment_failed` pauses auto top-up as the API's own answer does (idempotent).
 */
import { eq } from "drizzle-orm";
import type { Config } from "../../config/env";
import { autoTopUps } from "../../db/schema";
import { autoTopUpMetadataSchema, type PaymentIntent, paymentIntentSchema } from "../../integrations/stripe/events";
import { creditAccount } from "../credits";
import { type AutoTopUpContext, failAutoTopUp } from "./auto-top-up";

export type PaymentIntentContext = AutoTopUpContext & { config: Pick<Config, "CREDIT_PACKS"> };

export const autoTopUpLedgerKey = (paymentIntentId: string) => `stripe:auto-top-up:${paymentIntentId}`;

type ReadTopUp =
  | { ignored: string }
  | { intent: PaymentIntent; topUp: { businessId: string; packId: string; credits: number; autoTopUpId: string } };

function readTopUp(object: unknown): ReadTopUp {
  const parsed = paymentIntentSchema.safeParse(object);
  if (!parsed.success) return { ignored: "ignored: unreadable payment intent" };
  const metadata = autoTopUpMetadataSchema.safeParse(parsed.data.metadata ?? {});
  if (!metadata.success) return { ignored: `ignored: ${parsed.data.id} is not an auto top-up (a checkout's payment is credited by its session)` };
  return { intent: parsed.data, topUp: metadata.data };
}

export async function paymentIntentSucceeded(ctx: PaymentIntentContext, object: unknown): Promise<string> {
  const read = readTopUp(object);
  if ("ignored" in read) return read.ignored;
  const { intent, topUp } = read;
  const packName = ctx.config.CREDIT_PACKS.find((pack) => pack.id === topUp.packId)?.name ?? topUp.packId;
  const result = await creditAccount(ctx.env, topUp.businessId).creditPurchase({
    amount: topUp.credits,
    idempotencyKey: autoTopUpLedgerKey(intent.id),
    stripeCheckoutSessionId: intent.id,
    description: `Auto top-up, ${packName} pack: ${topUp.credits.toLocaleString("en-US")} credits`,
  });
  if (!result.ok) return `ignored: ${intent.id} is for a business that does not exist`;
  if (!result.entry) throw new Error("a purchase credit returned no ledger row");
  // Succeeded whatever it was marked before: the money was taken, so the credits are the owner's.
  await ctx.db.update(autoTopUps).set({ status: "succeeded", paymentIntentId: intent.id, updatedAt: new Date() }).where(eq(autoTopUps.id, topUp.autoTopUpId));
  await ctx.env.SIDE_EFFECTS.send({
    type: "email.purchase_receipt",
    idempotencyKey: `receipt:${intent.id}`,
    businessId: topUp.businessId,
    credits: topUp.credits,
    amountCents: intent.amount,
    currency: intent.currency.toLowerCase(),
    balance: result.duplicate ? result.entry.balanceAfter : result.balance,
  });
  return result.duplicate ? `already credited ${topUp.credits} credits for the auto top-up ${intent.id}` : `credited ${topUp.credits} credits for the auto top-up ${intent.id}`;
}

export async function paymentIntentFailed(ctx: PaymentIntentContext, object: unknown): Promise<string> {
  const read = readTopUp(object);
  if ("ignored" in read) return read.ignored;
  const { intent, topUp } = read;
  const code = intent.last_payment_error?.code ?? "card_declined";
  await failAutoTopUp(ctx, topUp.autoTopUpId, { code, message: intent.last_payment_error?.message ?? "The payment failed.", paymentIntentId: intent.id });
  return `auto top-up ${intent.id} failed (${code}); auto top-up paused`;
}

/** The business of an auto top-up's PaymentIntent, for its refunds and disputes (the PaymentIntent is the purchase's anchor). */
export async function autoTopUpOfPayment(ctx: Pick<AutoTopUpContext, "db">, paymentIntentId: string): Promise<{ sessionId: string; businessId: string } | null> {
  const [row] = await ctx.db.select({ businessId: autoTopUps.businessId }).from(autoTopUps).where(eq(autoTopUps.paymentIntentId, paymentIntentId));
  return row ? { sessionId: paymentIntentId, businessId: row.businessId } : null;
}
