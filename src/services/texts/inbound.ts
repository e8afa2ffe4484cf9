/**
 * What Twilio tells us (docs/architecture.md §7b), after the route has checked X-Twilio-Signature:
 * a delivery status callback moves its text forward (never back: a late `sent` after
 * `delivered` changes nothing); a caller's text is stored once per MessageSid and acted on:
 * STOP and its synonyms opt the number out (pending texts to it are dropped; Twilio itself sends
 * the carrier's confirmation), START / UNSTOP opt it back in, HELP is answered with the
 * business's name and how to reach it, C confirms and X cancels the caller's next booking (in
 * Google, through services/google's cancel path; the owner is told), anything else is kept for
 * the owner. A number that is not ours is ignored.
 */
import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import { agents, bookingHolds, businesses, phoneNumbers, textOptOuts, texts } from "../../db/schema";
import { spokenTime } from "../calls/speech";
import type { Services } from "../create-services";
import { cancelAppointment } from "../google";
import { classifyReply } from "./keywords";
import { queueText } from "./queue";
import { dropPendingTo, recordOptOut } from "./send";

export type TwilioParams = Map<string, string>;
type Deps = Pick<Services, "db" | "env" | "logger" | "config" | "now" | "google">;

/** Twilio's message statuses, in the order a message moves through them. */
const STATUS_RANK = new Map([
  ["accepted", 1],
  ["scheduled", 1],
  ["queued", 1],
  ["sending", 2],
  ["sent", 3],
  ["delivered", 4],
  ["undelivered", 4],
  ["failed", 4],
  ["read", 5],
]);

export async function handleTwilioWebhook(deps: Deps, params: TwilioParams): Promise<"status" | "received" | "duplicate" | "ignored"> {
  const sid = params.get("MessageSid") ?? params.get("SmsSid");
  if (!sid) return "ignored";
  const status = params.get("MessageStatus");
  if (status && !params.has("Body")) return updateStatus(deps, sid, status, params.get("ErrorCode"));
  return receive(deps, sid, params.get("From") ?? "", params.get("To") ?? "", params.get("Body") ?? "");
}

async function updateStatus(deps: Deps, sid: string, status: string, errorCode: string | undefined) {
  const rank = STATUS_RANK.get(status);
  if (!rank) return "ignored" as const;
  // The rank of the stored status, from the same table (its names are ours, not the sender's).
  const storedRank = sql.raw(`(case texts.status ${[...STATUS_RANK].map(([name, value]) => `when '${name}' then ${value}`).join(" ")} else 0 end)`);
  await deps.db
    .update(texts)
    .set({ status, updatedAt: new Date(), ...(errorCode ? { error: `Twilio error ${errorCode.slice(0, 10)}` } : {}) })
    .where(and(eq(texts.twilioSid, sid), eq(texts.direction, "outbound"), sql`${storedRank} < ${rank}`));
  return "status" as const;
}

async function receive(deps: Deps, sid: string, from: string, to: string, body: string) {
  const { db, logger } = deps;
  const [number] = await db
    .select({ id: phoneNumbers.id, businessId: phoneNumbers.businessId, agentId: phoneNumbers.agentId, name: businesses.name, phone: businesses.phone })
    .from(phoneNumbers)
    .innerJoin(businesses, eq(businesses.id, phoneNumbers.businessId))
    .where(eq(phoneNumbers.e164, to));
  if (!number || !/^\+[1-9]\d{7,14}$/.test(from)) {
    logger.info("inbound text for a number we do not have; ignored", { to: to.slice(-4) });
    return "ignored" as const;
  }
  const intent = classifyReply(body);
  // A reply answers the last text we sent that caller: it belongs to the same call or booking (C and X then name the booking they act on).
  const [answered] = await db
    .select({ callId: texts.callId, bookingId: texts.bookingId })
    .from(texts)
    .where(and(eq(texts.businessId, number.businessId), eq(texts.number, from), eq(texts.direction, "outbound")))
    .orderBy(desc(texts.createdAt))
    .limit(1);
  const [stored] = await db
    .insert(texts)
    .values({
      businessId: number.businessId,
      agentId: number.agentId,
      phoneNumberId: number.id,
      number: from,
      businessNumber: to,
      direction: "inbound",
      kind: "inbound",
      body: body.slice(0, 1600),
      status: "received",
      twilioSid: sid,
      callId: answered?.callId ?? null,
      bookingId: answered?.bookingId ?? null,
      idempotencyKey: `inbound:${sid}`,
    })
    .onConflictDoNothing()
    .returning({ id: texts.id });
  if (!stored) return "duplicate" as const;
  // Our answer belongs where the caller's text does; an answer about a booking, to that booking (and through it, to its call).
  const reply = (kind: "help" | "reply" | "cancelled", text: string, bookingId?: string) =>
    queueText(deps, {
      businessId: number.businessId,
      agentId: number.agentId,
      phoneNumberId: number.id,
      number: from,
      kind,
      body: text,
      callId: bookingId ? null : (answered?.callId ?? null),
      bookingId: bookingId ?? answered?.bookingId ?? null,
      idempotencyKey: `inbound:${sid}:${kind}`,
    });
  try {
    switch (intent) {
      case "opt_out":
        await recordOptOut(db, number.businessId, from);
        await dropPendingTo(db, number.businessId, from);
        break;
      case "opt_in":
        await db.delete(textOptOuts).where(and(eq(textOptOuts.businessId, number.businessId), eq(textOptOuts.number, from)));
        break;
      case "help":
        await reply("help", `${number.name}: this is our appointment line. Call us at ${number.phone ?? to}. Reply STOP to opt out.`);
        break;
      case "confirm":
      case "cancel":
        await answerBooking(deps, { ...number, number: to }, stored.id, from, intent, reply);
        break;
      case "message":
        break;
    }
  } catch (error) {
    // Not acted on: forget the message so Twilio's retry (or the caller's next text) acts on it.
    await db.delete(texts).where(eq(texts.id, stored.id)).catch(() => undefined);
    throw error;
  }
  return "received" as const;
}

/** C / X: the caller's next booking with this business, found by the number that texted. */
async function answerBooking(
  deps: Deps,
  business: { businessId: string; name: string; phone: string | null; number: string },
  inboundId: string,
  from: string,
  intent: "confirm" | "cancel",
  reply: (kind: "reply" | "cancelled", text: string, bookingId?: string) => Promise<unknown>,
) {
  const [next] = await deps.db
    .select({ booking: bookingHolds, agent: agents })
    .from(bookingHolds)
    .innerJoin(agents, eq(agents.id, bookingHolds.agentId))
    .where(and(eq(bookingHolds.businessId, business.businessId), eq(bookingHolds.callerPhone, from), eq(bookingHolds.status, "confirmed"), gt(bookingHolds.startAt, deps.now())))
    .orderBy(asc(bookingHolds.startAt))
    .limit(1);
  if (!next) {
    await reply("reply", `${business.name}: we don't see an upcoming appointment for this number. Call us at ${business.phone ?? business.number}.`);
    return;
  }
  // The caller's C or X is about this booking, whatever text they were answering.
  await deps.db.update(texts).set({ bookingId: next.booking.id, callId: null }).where(eq(texts.id, inboundId));
  const when = spokenTime(next.booking.startAt.toISOString(), next.agent.timezone);
  if (intent === "confirm") {
    await reply("reply", `${business.name}: thanks, you're confirmed for ${when}.`, next.booking.id);
    return;
  }
  const cancelled = await cancelAppointment(deps, next.agent, { callerPhone: from, start: next.booking.startAt.toISOString() });
  if (!cancelled.ok) {
    if (cancelled.code === "google_unavailable") throw new Error(`Google could not cancel the booking: ${cancelled.message}`);
    await reply("reply", `${business.name}: we could not cancel that online. Please call us at ${business.phone ?? business.number}.`, next.booking.id);
    return;
  }
  await reply("cancelled", `${business.name}: your appointment ${when} is cancelled.`, next.booking.id);
  if (business.phone) {
    await queueText(deps, {
      businessId: business.businessId,
      agentId: next.agent.id,
      number: business.phone,
      kind: "owner_alert",
      bookingId: next.booking.id,
      body: `Agentline: ${from} cancelled their appointment ${when} by text.`,
      idempotencyKey: `booking:${next.booking.id}:cancelled_owner_alert`,
    });
  }
}
