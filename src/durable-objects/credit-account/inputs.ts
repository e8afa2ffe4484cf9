/**
 * What the CreditAccount object accepts and answers (docs/architecture.md §4): its methods' input schemas,
 * checked inside the object (a stub's caller is trusted with types only), and their results.
 */
import { z } from "zod";
import type { LedgerEntry } from "./ledger";

const refs = {
  /** Unique across the whole ledger: the same key never changes a balance twice. */
  idempotencyKey: z.string().trim().min(1).max(200),
  stripeCheckoutSessionId: z.string().min(1).max(255).optional(),
  callId: z.uuid().optional(),
  description: z.string().max(500).optional(),
};
const amount = z.number().int().positive().max(100_000_000);

export const creditInputSchema = z.object({ amount, kind: z.enum(["purchase", "adjustment"]), ...refs });

export const debitInputSchema = z.object({
  amount,
  kind: z.enum(["call", "adjustment", "refund"]),
  ...refs,
  /**
   * Take what the balance allows when it is short, instead of refusing: for charges that
   * already happened (a call that outran the balance, a refund of spent credits).
   */
  allowPartial: z.boolean().optional(),
});

/**
 * A text's charge (docs/architecture.md §7b: SMS_CREDITS_PER_SEGMENT per segment), out of the
 * *available* balance so a text never spends what a call in progress holds; `refund` gives a
 * text that was charged but never sent its credits back (ledger key `<key>:refund`).
 */
export const textChargeInputSchema = z.object({ credits: amount, idempotencyKey: refs.idempotencyKey, description: refs.description });
export const textRefundInputSchema = z.object({ credits: amount, idempotencyKey: refs.idempotencyKey, description: refs.description });

/** A purchase to move to what Stripe has said about its payment (payment-facts.ts). */
export const settlePaymentInputSchema = z.object({ stripeCheckoutSessionId: z.string().min(1).max(255) });

/** A pack bought with a checkout session: credited once, then any refund received earlier is applied. */
export const purchaseInputSchema = z.object({ amount, ...refs, stripeCheckoutSessionId: z.string().min(1).max(255) });

export type CreditInput = z.input<typeof creditInputSchema>;
export type PurchaseInput = z.input<typeof purchaseInputSchema>;
export type DebitInput = z.input<typeof debitInputSchema>;
export type SettlePaymentInput = z.input<typeof settlePaymentInputSchema>;
export type TextChargeInput = z.input<typeof textChargeInputSchema>;
export type TextRefundInput = z.input<typeof textRefundInputSchema>;

export type TextChargeResult =
  | { ok: true; duplicate: boolean; charged: number; balance: number }
  | { ok: false; reason: "insufficient_credits"; available: number }
  | { ok: false; reason: "no_such_user" };

export type ChangeResult =
  | {
      ok: true;
      /** True when the key had been used: nothing changed and `entry` is the first result. */
      duplicate: boolean;
      /** The ledger row; null when nothing was there to take (a partial debit at zero). */
      entry: LedgerEntry | null;
      /** The balance now. */
      balance: number;
      /** Credits asked for but not taken (partial debits only). */
      shortfall: number;
      /** True when this change crossed the low-credit threshold and the warning was queued. */
      lowCreditQueued: boolean;
    }
  | { ok: false; reason: "insufficient_credits"; balance: number; requested: number }
  /** The object's user does not exist (deleted, or a wrong id): nothing was written. */
  | { ok: false; reason: "no_such_user" };

export type PurchaseResult =
  /** `refundedCredits`: what refunds and disputes recorded before this purchase took back just now. */
  | (Extract<ChangeResult, { ok: true }> & { refundedCredits: number })
  | Extract<ChangeResult, { ok: false }>;

export type SettlePaymentResult =
  | {
      ok: true;
      /** Credits moved just now by refund rows and by dispute rows (negative: taken back; 0: nothing to do). */
      refund: number;
      dispute: number;
      /** Credits the facts say should go but were already spent. */
      shortfall: number;
      balance: number;
      /** What the refunds and the disputes should have taken back in all. */
      target: { refund: number; dispute: number };
    }
  | { ok: false; reason: "purchase_not_found"; balance: number }
  | { ok: false; reason: "no_such_user" };

/** Credits a refund takes back: the refunded share of the pack, rounded to the nearest credit. */
export function refundedShare(credits: number, amountRefunded: number, amountCharged: number): number {
  if (amountRefunded >= amountCharged) return credits;
  return Math.round((credits * amountRefunded) / amountCharged);
}
