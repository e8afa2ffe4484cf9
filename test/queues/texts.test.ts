/**
 * Sending a text through the side-effects queue (docs/architecture.md §7b): from the business's
 * own number, charged per segment once, never to an opted-out number, never in quiet hours,
 * never without credit.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls, DEFAULT_TEXTING, textOptOuts, texts } from "../../src/db/schema";
import { createLogger } from "../../src/lib/logger";
import { createServices } from "../../src/services/create-services";
import { bookAppointment, cancelAppointment } from "../../src/services/google";
import { loadTemporal } from "../../src/services/google/time";
import { isMissedCall, queueDueReminders, textAfterCall } from "../../src/services/texts/notify";
import { queueText, sendMessage } from "../../src/services/texts/queue";
import { nextSendableAt } from "../../src/services/texts/quiet-hours";
import type { SideEffectMessage } from "../../src/side-effects/messages";
import { recordPurchase } from "../support/credits";
import { db } from "../support/db";
import { bindingsWith, envWith, recordingQueue } from "../support/env";
import { bookingAgent, connectedUser, googleDeps, ownCalendar } from "../support/google";
import { consumeBatch } from "../support/queues";
import { createTextingBusiness, makeTextingBusiness, textCharges, textRow, uniqueCaller } from "../support/texting";
import { twilio, twilioState } from "../support/twilio";

const quietQueue = () => ({ db, env: bindingsWith({ SIDE_EFFECTS: recordingQueue() }), logger: createLogger({}, "error") });

async function aText(business: { businessId: string; phoneNumberId: string }, body: string, kind: "confirmation" | "reply" | "reminder_24h" = "confirmation") {
  const to = uniqueCaller();
  const row = await queueText(quietQueue(), { businessId: business.businessId, number: to, kind, body, idempotencyKey: `test:${crypto.randomUUID()}` });
  if (!row) throw new Error("no text row");
  return { row, to };
}

const sentTo = async (to: string) => (await twilioState()).messages.filter((message) => message.to === to && message.direction === "outbound-api");

describe("text.send", () => {
  it("sends from the business's number, charges SMS_CREDITS_PER_SEGMENT per segment once, however often it is delivered", async () => {
    const business = await createTextingBusiness();
    const body = `Your appointment is confirmed. ${"See you soon! ".repeat(12)}`; // 199 GSM-7 characters: 2 segments
    const { row, to } = await aText(business, body);
    const env = envWith({ SMS_CREDITS_PER_SEGMENT: "3" });
    const first = await consumeBatch([sendMessage(row.id)], { env });
    expect(first.result.explicitAcks).toHaveLength(1);
    await consumeBatch([sendMessage(row.id)], { env });

    const sent = await sentTo(to);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ from: business.number, body, num_segments: "2" });
    expect(await textRow(row.id)).toMatchObject({ status: "queued", twilioSid: sent[0]?.sid, segments: 2, creditsCharged: 6, businessNumber: business.number });
    const charges = await textCharges(business.businessId);
    expect(charges.map((charge) => charge.delta)).toEqual([-6]);
  });

  it("never texts a number that opted out, and charges nothing", async () => {
    const business = await createTextingBusiness();
    const { row, to } = await aText(business, "Reminder: your appointment is tomorrow at 3:00 PM.");
    await db.insert(textOptOuts).values({ businessId: business.businessId, number: to });
    await consumeBatch([sendMessage(row.id)]);
    expect(await sentTo(to)).toEqual([]);
    expect((await textRow(row.id))?.status).toBe("opted_out");
    expect(await textCharges(business.businessId)).toEqual([]);
  });

  it("sends nothing without credit, and says so on the text", async () => {
    const business = await createTextingBusiness({ credits: 0 });
    const { row, to } = await aText(business, "Your appointment is confirmed.");
    await consumeBatch([sendMessage(row.id)]);
    expect(await sentTo(to)).toEqual([]);
    expect(await textRow(row.id)).toMatchObject({ status: "no_credit", creditsCharged: 0 });
    expect(await textCharges(business.businessId)).toEqual([]);
  });

  it("holds a text due in quiet hours until 08:00 where the business is, and queues it for then", async () => {
    await loadTemporal();
    const business = await createTextingBusiness({ localHour: 2 });
    const { row, to } = await aText(business, "Reminder: your appointment is tomorrow at 3:00 PM.", "reminder_24h");
    const queue = recordingQueue();
    await consumeBatch([sendMessage(row.id)], { env: bindingsWith({ SIDE_EFFECTS: queue }) });
    expect(await sentTo(to)).toEqual([]);
    const held = await textRow(row.id);
    expect(held?.status).toBe("held");
    const expected = nextSendableAt(new Date(), business.timezone);
    expect(Math.abs((held?.sendAfter?.getTime() ?? 0) - expected.getTime())).toBeLessThan(60_000);
    expect(queue.sent).toEqual([sendMessage(row.id)]);
    expect(await textCharges(business.businessId)).toEqual([]);
    // A reply to the caller's own text, or the confirmation of the booking they are making on the
    // phone, is not held: they are awake and waiting for it.
    const reply = await aText(business, "Thanks, we will call you back.", "reply");
    const confirmation = await aText(business, "You're booked for tomorrow at 3:00 PM.", "confirmation");
    await consumeBatch([sendMessage(reply.row.id), sendMessage(confirmation.row.id)]);
    expect(await sentTo(reply.to)).toHaveLength(1);
    expect(await sentTo(confirmation.to)).toHaveLength(1);
    // A confirmation still unsent long after the booking waits for morning like the rest.
    const stale = await aText(business, "You're booked for tomorrow at 3:00 PM.", "confirmation");
    await db.update(texts).set({ createdAt: new Date(Date.now() - 3600_000) }).where(eq(texts.id, stale.row.id));
    await consumeBatch([sendMessage(stale.row.id)], { env: bindingsWith({ SIDE_EFFECTS: recordingQueue() }) });
    expect((await textRow(stale.row.id))?.status).toBe("held");
  });

  it("a Twilio refusal is final and gives the credits back; a Twilio outage is retried and charged once", async () => {
    const business = await createTextingBusiness();
    const refused = await aText(business, "Your appointment is confirmed.");
    await twilio.fault({ method: "POST", path: "/2010-04-01/Accounts/", bodyIncludes: encodeURIComponent(refused.to), status: 400, body: { code: 21211, message: "The 'To' number is not a valid phone number.", more_info: "https://www.twilio.com/docs/errors/21211", status: 400 } });
    const first = await consumeBatch([sendMessage(refused.row.id)]);
    expect(first.result.retryMessages).toEqual([]);
    expect(await textRow(refused.row.id)).toMatchObject({ status: "failed", creditsCharged: 0 });
    expect((await textCharges(business.businessId)).map((charge) => charge.delta).sort()).toEqual([-1, 1]);

    const retried = await aText(business, "Your appointment is confirmed.");
    await twilio.fault({ method: "POST", path: "/2010-04-01/Accounts/", bodyIncludes: encodeURIComponent(retried.to), status: 503, body: { code: 20500, message: "Service unavailable", more_info: "https://www.twilio.com/docs/errors/20500", status: 503 } });
    const outage = await consumeBatch([sendMessage(retried.row.id)]);
    expect(outage.result.retryMessages).toHaveLength(1);
    expect((await textRow(retried.row.id))?.status).toBe("pending");
    await consumeBatch([sendMessage(retried.row.id)], { attempts: 2 });
    expect(await sentTo(retried.to)).toHaveLength(1);
    expect((await textRow(retried.row.id))?.status).toBe("queued");
    // One charge for the retried text (and the refused one's charge and refund).
    expect((await textCharges(business.businessId)).map((charge) => charge.delta).sort()).toEqual([-1, -1, 1]);
  });

  it("a second text for the same reason is not queued", async () => {
    const business = await createTextingBusiness();
    const input = { businessId: business.businessId, number: uniqueCaller(), kind: "confirmation" as const, body: "Confirmed.", idempotencyKey: `test:${crypto.randomUUID()}` };
    expect(await queueText(quietQueue(), input)).not.toBeNull();
    expect(await queueText(quietQueue(), input)).toBeNull();
  });
});

describe("what is texted", () => {
  /** A Google-connected business that can text, with a booking agent on a calendar of its own. */
  async function bookingBusiness(texting: Record<string, unknown> = {}) {
    const now = new Date();
    const owner = await connectedUser(now);
    await recordPurchase(owner.user.id, 100);
    const business = await makeTextingBusiness(owner, { name: "Glow Salon", phone: "+15125550188" });
    const calendarId = await ownCalendar(owner.tokens.accessToken);
    const agent = await bookingAgent(owner.user.id, { calendarId, minNoticeMinutes: 0, texting: { ...DEFAULT_TEXTING, ...texting } });
    const day = new Date(now.getTime() + 2 * 86_400_000);
    while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() + 1);
    return { business, agent, start: `${day.toISOString().slice(0, 10)}T10:00:00` };
  }

  it("the receptionist's booking texts the caller a confirmation from the business's number, once", async () => {
    const { business, agent, start } = await bookingBusiness();
    const caller = uniqueCaller();
    const queue = recordingQueue<SideEffectMessage>();
    const services = createServices(bindingsWith({ SIDE_EFFECTS: queue }));
    const input = { start, name: "Robin", callerPhone: caller, idempotencyKey: `call_1:${crypto.randomUUID()}` };
    await services.booking.book(agent, input);
    await services.booking.book(agent, input);
    await consumeBatch(queue.sent.splice(0));
    const sent = await sentTo(caller);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.from).toBe(business.number);
    expect(sent[0]?.body).toMatch(/^Glow Salon: you're booked for .+ at 10:00 AM\. Reply X to cancel\./);
  });

  it("reminders are queued once per booking and kind, however often or late the cron runs", async () => {
    const { agent, start } = await bookingBusiness({ confirmations: false, reminders: ["24h", "2h"] });
    const caller = uniqueCaller();
    const booked = await bookAppointment(googleDeps(() => new Date()), agent, { start, name: "Robin", callerPhone: caller, idempotencyKey: `test:${crypto.randomUUID()}` });
    if (!booked.ok) throw new Error(booked.message);
    const startAt = new Date(booked.event.start);
    const deps = quietQueue();
    const mine = async () => (await db.select().from(texts).where(eq(texts.number, caller))).map((text) => text.kind).sort();
    await queueDueReminders(deps, new Date(startAt.getTime() - 30 * 3600_000));
    expect(await mine()).toEqual([]);
    await queueDueReminders(deps, new Date(startAt.getTime() - 20 * 3600_000));
    await queueDueReminders(deps, new Date(startAt.getTime() - 19 * 3600_000));
    expect(await mine()).toEqual(["reminder_24h"]);
    // A late run (90 minutes before) sends the 2 h reminder, and never the 24 h one again.
    await queueDueReminders(deps, new Date(startAt.getTime() - 90 * 60_000));
    await queueDueReminders(deps, new Date(startAt.getTime() - 80 * 60_000));
    expect(await mine()).toEqual(["reminder_24h", "reminder_2h"]);
    const [reminder] = await db.select().from(texts).where(and(eq(texts.number, caller), eq(texts.kind, "reminder_24h")));
    expect(reminder?.body).toContain("Reply C to confirm, X to cancel.");
  });

  it("a reminder still waiting when the booking is cancelled (held overnight, or retried) is not sent, nor charged", async () => {
    const { business, agent, start } = await bookingBusiness({ confirmations: false, reminders: ["24h"] });
    const caller = uniqueCaller();
    const booked = await bookAppointment(googleDeps(() => new Date()), agent, { start, name: "Robin", callerPhone: caller, idempotencyKey: `test:${crypto.randomUUID()}` });
    if (!booked.ok) throw new Error(booked.message);
    await queueDueReminders(quietQueue(), new Date(Date.parse(booked.event.start) - 20 * 3600_000));
    const [reminder] = await db.select().from(texts).where(and(eq(texts.number, caller), eq(texts.kind, "reminder_24h")));
    await cancelAppointment(googleDeps(() => new Date()), agent, { callerPhone: caller, start: booked.event.start });
    await consumeBatch([sendMessage(reminder?.id ?? "")]);
    expect(await sentTo(caller)).toEqual([]);
    expect((await textRow(reminder?.id ?? ""))?.status).toBe("not_needed");
    expect(await textCharges(business.businessId)).toEqual([]);
  });

  it("a missed call is texted back once when the receptionist asks for it, and the owner alerted about an important one", async () => {
    const { business, agent } = await bookingBusiness({ missedCallTextBack: true, ownerAlerts: true });
    const deps = quietQueue();
    const caller = uniqueCaller();
    const [callRow] = await db.insert(calls).values({ businessId: business.businessId, agentId: agent.id, vapiCallId: `call_${crypto.randomUUID()}`, customerNumber: caller, status: "ended" }).returning();
    const finished = { id: callRow?.id ?? "", businessId: business.businessId, agentId: agent.id, customerNumber: caller, refused: false, durationSeconds: 6, endedReason: "customer-ended-call", texting: agent.texting, important: true };
    await textAfterCall(deps, finished);
    await textAfterCall(deps, finished);
    const queued = await db.select().from(texts).where(eq(texts.callId, callRow?.id ?? ""));
    expect(queued.map((text) => [text.kind, text.number]).sort()).toEqual([
      ["missed_call", caller],
      ["owner_alert", "+15125550188"],
    ]);
    expect(isMissedCall({ refused: false, durationSeconds: 95, endedReason: "customer-ended-call" })).toBe(false);
    expect(isMissedCall({ refused: true, durationSeconds: 0, endedReason: null })).toBe(true);
  });
});
