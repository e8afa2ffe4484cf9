/**
 * What is texted, and when (docs/architecture.md §7b, §12 `texting`): the booking confirmation,
 * the reminders 24 h and 2 h before (from the Cron Trigger), the text-back after a missed call
 * and the owner's alert about an important call. Each is a `texts` row keyed by its booking or
 * call and kind (services/texts/queue.ts), so a cron run twice, a late run or a redelivered
 * report texts nobody twice. Whether a text may go (opt-outs, quiet hours, credit, a number
 * that can text) is decided when it is sent (send.ts).
 */
import { and, eq, gt, isNotNull, lte, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { agents, bookingHolds, businesses, calls, DEFAULT_TEXTING, type TextingSettings, texts } from "../../db/schema";
import { spokenTime } from "../calls/speech";
import { queueText, type TextQueueDeps } from "./queue";

const REMINDER_WINDOWS = {
  reminder_24h: { setting: "24h", within: 24 * 3600_000, notBefore: 2 * 3600_000 },
  reminder_2h: { setting: "2h", within: 2 * 3600_000, notBefore: 10 * 60_000 },
} as const;

/** A call shorter than this that the caller ended is a missed call: they did not get what they rang for. */
export const MISSED_CALL_SECONDS = 15;

export const textingOf = (value: unknown): TextingSettings => ({ ...DEFAULT_TEXTING, ...((value ?? {}) as Partial<TextingSettings>) });

const E164 = /^\+[1-9]\d{7,14}$/;

/** The confirmation of a booking the receptionist just made (once per booking). Never throws: a booking stands without its text. */
export async function textBookingConfirmation(deps: TextQueueDeps, agent: { id: string; businessId: string; timezone: string; texting?: unknown }, googleEventId: string): Promise<void> {
  try {
    if (!textingOf(agent.texting).confirmations) return;
    // The call that booked it (when there is one): the text is part of that call, and goes from the number the caller rang.
    const [row] = await deps.db
      .select({ id: bookingHolds.id, startAt: bookingHolds.startAt, callerPhone: bookingHolds.callerPhone, business: businesses.name, callId: calls.id, phoneNumberId: calls.phoneNumberId })
      .from(bookingHolds)
      .innerJoin(businesses, eq(businesses.id, bookingHolds.businessId))
      .leftJoin(calls, and(eq(calls.vapiCallId, bookingHolds.callId), eq(calls.businessId, bookingHolds.businessId)))
      .where(and(eq(bookingHolds.googleEventId, googleEventId), eq(bookingHolds.agentId, agent.id), eq(bookingHolds.status, "confirmed")));
    if (!row?.callerPhone || !E164.test(row.callerPhone)) return;
    await queueText(deps, {
      businessId: agent.businessId,
      agentId: agent.id,
      number: row.callerPhone,
      kind: "confirmation",
      bookingId: row.id,
      callId: row.callId,
      phoneNumberId: row.phoneNumberId,
      body: `${row.business}: you're booked for ${spokenTime(row.startAt.toISOString(), agent.timezone)}. Reply X to cancel. Reply STOP to opt out.`,
      idempotencyKey: `booking:${row.id}:confirmation`,
    });
  } catch (error) {
    deps.logger.warn("booking confirmation text could not be queued", { agentId: agent.id, error: error instanceof Error ? error.message : String(error) });
  }
}

/**
 * Reminders due now: confirmed bookings starting within 24 h (but not within 2 h: that is the
 * 2 h reminder's) or within 2 h, for agents that ask for that reminder. Run by the Cron Trigger;
 * a booking already reminded of that kind is not selected, and its key would stop a second anyway.
 */
export async function queueDueReminders(deps: TextQueueDeps, now: Date): Promise<number> {
  let queued = 0;
  for (const [kind, window] of Object.entries(REMINDER_WINDOWS) as [keyof typeof REMINDER_WINDOWS, (typeof REMINDER_WINDOWS)[keyof typeof REMINDER_WINDOWS]][]) {
    const rows = await dueBookings(deps.db, kind, new Date(now.getTime() + window.notBefore), new Date(now.getTime() + window.within));
    for (const row of rows) {
      if (!textingOf(row.texting).reminders.includes(window.setting) || !row.callerPhone || !E164.test(row.callerPhone)) continue;
      const text = await queueText(deps, {
        businessId: row.businessId,
        agentId: row.agentId,
        number: row.callerPhone,
        kind,
        bookingId: row.id,
        body: `${row.business}: reminder of your appointment ${spokenTime(row.startAt.toISOString(), row.timezone)}. Reply C to confirm, X to cancel.`,
        idempotencyKey: `booking:${row.id}:${kind}`,
      });
      if (text) queued++;
    }
  }
  return queued;
}

function dueBookings(db: Database, kind: string, from: Date, to: Date) {
  return db
    .select({
      id: bookingHolds.id,
      agentId: bookingHolds.agentId,
      businessId: bookingHolds.businessId,
      startAt: bookingHolds.startAt,
      callerPhone: bookingHolds.callerPhone,
      texting: agents.texting,
      timezone: agents.timezone,
      business: businesses.name,
    })
    .from(bookingHolds)
    .innerJoin(agents, eq(agents.id, bookingHolds.agentId))
    .innerJoin(businesses, eq(businesses.id, bookingHolds.businessId))
    .where(
      and(
        eq(bookingHolds.status, "confirmed"),
        isNotNull(bookingHolds.callerPhone),
        gt(bookingHolds.startAt, from),
        lte(bookingHolds.startAt, to),
        sql`not exists (select 1 from ${texts} where ${texts.idempotencyKey} = 'booking:' || ${bookingHolds.id}::text || ':' || ${kind})`,
      ),
    )
    .limit(500);
}

export interface FinishedCall {
  id: string;
  businessId: string;
  agentId: string | null;
  customerNumber: string | null;
  refused: boolean;
  durationSeconds: number | null;
  endedReason: string | null;
  texting: unknown;
  important: boolean;
}

/** A call the caller did not get through: refused, or ended by them within seconds. */
export function isMissedCall(call: Pick<FinishedCall, "refused" | "durationSeconds" | "endedReason">): boolean {
  if (call.refused) return true;
  if (call.endedReason?.startsWith("assistant-request")) return true;
  return call.endedReason === "customer-ended-call" && call.durationSeconds !== null && call.durationSeconds < MISSED_CALL_SECONDS;
}

/** After an end-of-call report: the caller's text-back for a missed call, the owner's alert for an important one. */
export async function textAfterCall(deps: TextQueueDeps, call: FinishedCall): Promise<void> {
  const settings = textingOf(call.texting);
  if (!settings.missedCallTextBack && !settings.ownerAlerts) return;
  const [business] = await deps.db.select({ name: businesses.name, phone: businesses.phone }).from(businesses).where(eq(businesses.id, call.businessId));
  if (!business) return;
  if (settings.missedCallTextBack && call.customerNumber && E164.test(call.customerNumber) && isMissedCall(call)) {
    await queueText(deps, {
      businessId: call.businessId,
      agentId: call.agentId,
      number: call.customerNumber,
      kind: "missed_call",
      callId: call.id,
      body: `${business.name}: sorry we missed your call. Reply here and we'll get back to you, or call again any time. Reply STOP to opt out.`,
      idempotencyKey: `call:${call.id}:missed_call`,
    });
  }
  if (settings.ownerAlerts && call.important && business.phone) {
    await queueText(deps, {
      businessId: call.businessId,
      agentId: call.agentId,
      number: business.phone,
      kind: "owner_alert",
      callId: call.id,
      body: `Agentline: an important call from ${call.customerNumber ?? "an unknown number"}. See it in your dashboard.`,
      idempotencyKey: `call:${call.id}:owner_alert`,
    });
  }
}
