/**
 * What `GET /api/business` shows of auto top-up (docs/architecture.md §12, ADR 0211): the owner's
 * choices, the saved card (brand and last four), whether it is paused and why, and what it has
 * charged in the business's current calendar month (its own timezone), as the cap counts it.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import type { AutoTopUpStatus, businesses } from "../../db/schema";

type Business = typeof businesses.$inferSelect;

export type PauseReason = "authentication_required" | "card_declined" | "card_unusable";

/** The pause's reason from a payment's failure code: what the owner must do differs for a bank's question and a refusal. */
export function pauseReasonOf(code: string): PauseReason {
  if (code === "authentication_required" || code === "requires_action") return "authentication_required";
  if (code === "resource_missing" || code === "payment_method_unexpected_state" || code === "no_saved_card" || code === "expired_card") return "card_unusable";
  return "card_declined";
}

const PAUSE_MESSAGES: Record<PauseReason, string> = {
  authentication_required: "Your bank asked to confirm the last top-up, which it cannot do while you are away. Buy credits once to confirm the card, or resume to try again.",
  card_declined: "Your card was declined for the last top-up. Buy credits with another card, or resume to try this one again.",
  card_unusable: "Your saved card can no longer be charged. Buy credits and save a card to resume.",
};

const isPauseReason = (value: string): value is PauseReason => Object.hasOwn(PAUSE_MESSAGES, value);

/** The auto top-up settings as the business row holds them (no query). */
export function autoTopUpSettings(business: Business) {
  const reason = business.autoTopUpPausedReason;
  return {
    enabled: business.autoTopUpEnabled,
    packId: business.autoTopUpPackId,
    whenBelow: business.autoTopUpWhenBelow,
    monthlyCapCents: business.autoTopUpMonthlyCapCents,
    paused: reason
      ? { reason, message: isPauseReason(reason) ? PAUSE_MESSAGES[reason] : "Auto top-up is paused.", at: business.autoTopUpPausedAt?.toISOString() ?? null }
      : null,
    card: business.savedCard ?? null,
  };
}

interface MonthRow extends Record<string, unknown> {
  id: string;
  status: AutoTopUpStatus;
  credits: number;
  amount_cents: number;
  currency: string;
  failure_code: string | null;
  created_at: string;
}

/** This calendar month's top-ups (in the business's timezone), newest first, and their sums as the cap counts them. */
export async function autoTopUpMonth(db: Database, business: Pick<Business, "id" | "timezone" | "autoTopUpMonthlyCapCents">) {
  const result = await db.execute<MonthRow>(sql`
    select id, status, credits, amount_cents, currency, failure_code,
      to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as created_at
    from auto_top_ups
    where business_id = ${business.id}::uuid
      and created_at >= (date_trunc('month', now() at time zone ${business.timezone}) at time zone ${business.timezone})
    order by created_at desc, id desc limit 50`);
  const rows = result.rows;
  const sum = (status: AutoTopUpStatus) => rows.filter((row) => row.status === status).reduce((total, row) => total + row.amount_cents, 0);
  const chargedCents = sum("succeeded");
  const pendingCents = sum("pending");
  const cap = business.autoTopUpMonthlyCapCents;
  return {
    chargedCents,
    pendingCents,
    remainingCents: cap === null ? null : Math.max(0, cap - chargedCents - pendingCents),
    topUps: rows.map((row) => ({ id: row.id, at: row.created_at, status: row.status, credits: row.credits, amountCents: row.amount_cents, currency: row.currency, failureCode: row.failure_code })),
  };
}
