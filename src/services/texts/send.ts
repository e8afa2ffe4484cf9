/**
 * The `text.send` job (docs/architecture.md §7b; ADR 0141): one `texts` row, sent at most once.
 * In order, each a reason not to send: the row is no longer pending (sent, or given up on); the
 * number opted out; the booking it is about was cancelled meanwhile (`not_needed`); the business has no number that can text; it is quiet hours where the
 * business is (held until 08:00 and queued again for then); the charge — segments ×
 * SMS_CREDITS_PER_SEGMENT through the CreditAccount, once per text — is refused for credit.
 * Then Twilio sends it from the business's own number. A refusal from Twilio (4xx) is final and
 * the charge is given back; a failure on the way (5xx, timeout) is retried by the queue with the
 * charge kept (its key makes it once). The side_effects claim keeps two deliveries of one
 * message from both sending.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Bindings } from "../../bindings";
import type { Config } from "../../config/env";
import type { Database } from "../../db/client";
import { bookingHolds, businesses, phoneNumbers, textOptOuts, texts } from "../../db/schema";
import { ownedBy } from "../../db/scope";
import { TwilioApiError, type TwilioClient } from "../../integrations/twilio/client";
import { countSegments } from "../../integrations/twilio/segments";
import type { Logger } from "../../lib/logger";
import { claimSideEffect, completeSideEffect, releaseSideEffect } from "../../side-effects/claims";
import { creditAccount } from "../credits";
import { loadTemporal } from "../google/time";
import { TWILIO_WEBHOOK_PATH } from "../phone-numbers/provider";
import { sendMessage } from "./queue";
import { nextSendableAt } from "./quiet-hours";

export interface TextSendDeps {
  db: Database;
  config: Config;
  env: Pick<Bindings, "SIDE_EFFECTS" | "CREDIT_ACCOUNT">;
  logger: Logger;
  now: () => Date;
  twilio: () => TwilioClient;
}

/** Texts that answer the caller or the owner at once; the rest wait out quiet hours. */
const ANY_HOUR = new Set(["help", "reply", "cancelled", "owner_alert"]);
/**
 * A booking confirmation answers the caller who is booking on the phone right now, so it goes at
 * once, at any hour; one that is still unsent this long after the booking waits for morning.
 */
const CONFIRMATION_ANSWERS_FOR_MS = 15 * 60_000;

const answersTheCaller = (text: TextRow, now: Date) =>
  ANY_HOUR.has(text.kind) || (text.kind === "confirmation" && now.getTime() - text.createdAt.getTime() < CONFIRMATION_ANSWERS_FOR_MS);
/** The Queues limit on a message's delay (12 hours); quiet hours are shorter. */
const MAX_DELAY_SECONDS = 12 * 3600;

type TextRow = typeof texts.$inferSelect;

export async function sendText(deps: TextSendDeps, textId: string): Promise<void> {
  const { db } = deps;
  const [found] = await db
    .select({ text: texts, timezone: businesses.timezone })
    .from(texts)
    .innerJoin(businesses, eq(businesses.id, texts.businessId))
    .where(eq(texts.id, textId));
  if (!found || found.text.direction !== "outbound" || !["pending", "held"].includes(found.text.status)) return;
  const { text } = found;
  const key = `text:${text.id}`;
  if ((await claimSideEffect(db, key, "text.send")) === "done") return;
  let sent = false;
  try {
    const outcome = await attempt(deps, text, found.timezone);
    sent = true;
    if (outcome === "held") await releaseSideEffect(db, key);
    else await completeSideEffect(db, key, "text.send");
  } catch (error) {
    if (!sent) await releaseSideEffect(db, key).catch(() => undefined);
    throw error;
  }
}

async function attempt(deps: TextSendDeps, text: TextRow, timezone: string): Promise<"sent" | "held" | "skipped"> {
  const { db, config } = deps;
  const settle = (status: string, fields: Partial<TextRow> = {}) =>
    db
      .update(texts)
      .set({ status, updatedAt: new Date(), ...fields })
      .where(eq(texts.id, text.id));

  if (text.kind !== "owner_alert") {
    const [optedOut] = await db
      .select({ since: textOptOuts.since })
      .from(textOptOuts)
      .where(and(eq(textOptOuts.businessId, text.businessId), eq(textOptOuts.number, text.number)));
    if (optedOut) {
      await settle("opted_out");
      return "skipped";
    }
  }

  if (BOOKING_TEXTS.has(text.kind) && text.bookingId && !(await bookingStands(db, text.bookingId))) {
    // Held overnight or retried after the caller (or the owner) cancelled: a reminder of nothing.
    await settle("not_needed", { error: "The booking was cancelled before this text went." });
    return "skipped";
  }

  const from = await textingNumber(db, text);
  if (!from) {
    await settle("no_number", { error: "The business has no number that can text (buy one with NUMBER_PROVIDER=twilio)." });
    return "skipped";
  }

  const now = deps.now();
  if (!answersTheCaller(text, now)) {
    await loadTemporal();
    const due = nextSendableAt(now, timezone);
    if (due.getTime() > now.getTime()) {
      await settle("held", { sendAfter: due });
      const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.ceil((due.getTime() - now.getTime()) / 1000));
      await deps.env.SIDE_EFFECTS.send(sendMessage(text.id), { delaySeconds });
      return "held";
    }
  }

  const segments = countSegments(text.body).segments;
  const credits = segments * config.SMS_CREDITS_PER_SEGMENT;
  const account = creditAccount(deps.env, text.businessId);
  if (credits > 0) {
    const charge = await account.chargeText({ credits, idempotencyKey: `text:${text.id}`, description: `Text (${segments} segment${segments === 1 ? "" : "s"})` });
    if (!charge.ok) {
      await settle("no_credit", { segments, error: charge.reason === "insufficient_credits" ? `Needs ${credits} credit(s); ${charge.available} available.` : "No such business." });
      return "skipped";
    }
  }

  let message: Awaited<ReturnType<TwilioClient["sendMessage"]>>;
  try {
    message = await deps.twilio().sendMessage({ from: from.e164, to: text.number, body: text.body, statusCallback: `${config.APP_URL}${TWILIO_WEBHOOK_PATH}` });
  } catch (error) {
    if (!(error instanceof TwilioApiError && error.status >= 400 && error.status < 500 && error.status !== 429)) throw error;
    // Twilio refused it for good (an invalid or unsubscribed number): nothing was sent, nothing is owed.
    if (credits > 0) await account.refundText({ credits, idempotencyKey: `text:${text.id}:refund`, description: "Text not sent: credits returned" });
    if (error.code === 21610) await recordOptOut(db, text.businessId, text.number);
    await settle("failed", { segments, phoneNumberId: from.id, businessNumber: from.e164, error: `Twilio ${error.code ?? error.status}: ${error.message}`.slice(0, 500) });
    return "skipped";
  }
  await settle(message.status || "queued", {
    twilioSid: message.sid,
    segments: Number(message.num_segments) || segments,
    creditsCharged: credits,
    phoneNumberId: from.id,
    businessNumber: from.e164,
    sendAfter: null,
  });
  return "sent";
}

/** Texts about a booking that only make sense while it stands. */
const BOOKING_TEXTS = new Set(["confirmation", "reminder_24h", "reminder_2h"]);

async function bookingStands(db: Database, bookingId: string): Promise<boolean> {
  const [booking] = await db.select({ status: bookingHolds.status }).from(bookingHolds).where(eq(bookingHolds.id, bookingId));
  return booking?.status === "confirmed";
}

/** The number a text goes from: the row's own, else the agent's, else any of the business's that can text. */
async function textingNumber(db: Database, text: TextRow): Promise<{ id: string; e164: string } | null> {
  const rows = await db
    .select({ id: phoneNumbers.id, e164: phoneNumbers.e164, agentId: phoneNumbers.agentId })
    .from(phoneNumbers)
    .where(and(ownedBy(phoneNumbers, text.businessId), eq(phoneNumbers.provider, "twilio"), sql`${phoneNumbers.e164} is not null`))
    .orderBy(asc(phoneNumbers.createdAt));
  const pick = rows.find((row) => row.id === text.phoneNumberId) ?? rows.find((row) => text.agentId && row.agentId === text.agentId) ?? rows[0];
  return pick?.e164 ? { id: pick.id, e164: pick.e164 } : null;
}

export async function recordOptOut(db: Database, businessId: string, number: string) {
  await db.insert(textOptOuts).values({ businessId, number }).onConflictDoNothing();
}

/** Texts to a number that opted out and were still waiting are not sent. */
export async function dropPendingTo(db: Database, businessId: string, number: string) {
  await db
    .update(texts)
    .set({ status: "opted_out", updatedAt: new Date() })
    .where(and(eq(texts.businessId, businessId), eq(texts.number, number), inArray(texts.status, ["pending", "held"])));
}
