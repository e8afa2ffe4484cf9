/**
 * `POST /api/webhooks/twilio` (docs/architecture.md §7b): only Twilio's signature gets in (a
 * forged or re-signed request gets 403 and writes nothing); STOP / START / HELP / C / X as
 * carriers and callers mean them; status callbacks move a text forward only; once per MessageSid.
 */
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { bookingHolds, textOptOuts, texts } from "../../../src/db/schema";
import { createServices } from "../../../src/services/create-services";
import { bookAppointment } from "../../../src/services/google";
import { queueText, sendMessage } from "../../../src/services/texts/queue";
import type { SideEffectMessage } from "../../../src/side-effects/messages";
import { recordPurchase } from "../../support/credits";
import { db } from "../../support/db";
import { bindingsWith, recordingQueue } from "../../support/env";
import { bookingAgent, calendarEvents, connectedUser, googleDeps, ownCalendar } from "../../support/google";
import { errorOf } from "../../support/http";
import { consumeBatch } from "../../support/queues";
import { createTextingBusiness, makeTextingBusiness, textRow, uniqueCaller } from "../../support/texting";
import { inboundText, signedTwilioPost, TWILIO_WEBHOOK_URL, twilioState } from "../../support/twilio";

const textsFrom = (businessId: string, number: string) => db.select().from(texts).where(and(eq(texts.businessId, businessId), eq(texts.number, number)));
const sentTo = async (to: string) => (await twilioState()).messages.filter((message) => message.to === to && message.direction === "outbound-api");

/** Runs what a request queued through the real consumer, as the queue would. */
async function deliverQueued(queue: { sent: SideEffectMessage[] }) {
  const messages = queue.sent.splice(0);
  if (messages.length) await consumeBatch(messages);
}

describe("POST /api/webhooks/twilio: signatures", () => {
  it("refuses a forged, a re-signed-with-another-key and a wrong-URL request with 403, writing nothing", async () => {
    const business = await createTextingBusiness();
    const caller = uniqueCaller();
    const forged = await signedTwilioPost(inboundText(caller, business.number, "STOP"), { signature: "RSOYDt4T1cUTdK1PDd93/VVr8B8=" });
    expect(forged.status).toBe(403);
    expect((await errorOf(forged)).code).toBe("forbidden");
    expect((await signedTwilioPost(inboundText(caller, business.number, "STOP"), { authToken: "not-our-auth-token" })).status).toBe(403);
    expect((await signedTwilioPost(inboundText(caller, business.number, "STOP"), { url: `${TWILIO_WEBHOOK_URL}?x=1` })).status).toBe(403);
    const unsigned = await signedTwilioPost(inboundText(caller, business.number, "STOP"), { signature: "" });
    expect(unsigned.status).toBe(403);
    expect(await textsFrom(business.businessId, caller)).toEqual([]);
    expect(await db.select().from(textOptOuts).where(eq(textOptOuts.number, caller))).toEqual([]);
  });

  it("takes a caller's text signed as Twilio signs it, once per MessageSid", async () => {
    const business = await createTextingBusiness();
    const caller = uniqueCaller();
    const params = inboundText(caller, business.number, "Can I come at 4 instead?");
    const first = await signedTwilioPost(params);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toContain("text/xml");
    expect((await signedTwilioPost(params)).status).toBe(200);
    const stored = await textsFrom(business.businessId, caller);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ direction: "inbound", kind: "inbound", status: "received", body: "Can I come at 4 instead?", businessNumber: business.number, twilioSid: params.MessageSid });
  });
});

describe("POST /api/webhooks/twilio: replies", () => {
  it("STOP opts the number out (nothing more is sent to it, pending texts dropped); START opts it back in", async () => {
    const business = await createTextingBusiness();
    const caller = uniqueCaller();
    const quiet = { db, env: bindingsWith({ SIDE_EFFECTS: recordingQueue() }), logger: createServices(bindingsWith({})).logger };
    const pending = await queueText(quiet, { businessId: business.businessId, number: caller, kind: "confirmation", body: "Booked.", idempotencyKey: `test:${crypto.randomUUID()}` });
    expect((await signedTwilioPost(inboundText(caller, business.number, "  Stop "))).status).toBe(200);
    expect(await db.select().from(textOptOuts).where(and(eq(textOptOuts.businessId, business.businessId), eq(textOptOuts.number, caller)))).toHaveLength(1);
    expect((await textRow(pending?.id ?? ""))?.status).toBe("opted_out");
    const later = await queueText(quiet, { businessId: business.businessId, number: caller, kind: "reminder_24h", body: "Reminder.", idempotencyKey: `test:${crypto.randomUUID()}` });
    await consumeBatch([sendMessage(later?.id ?? "")]);
    expect(await sentTo(caller)).toEqual([]);

    expect((await signedTwilioPost(inboundText(caller, business.number, "START"))).status).toBe(200);
    expect(await db.select().from(textOptOuts).where(eq(textOptOuts.number, caller))).toEqual([]);
    const after = await queueText(quiet, { businessId: business.businessId, number: caller, kind: "reminder_24h", body: "Reminder again.", idempotencyKey: `test:${crypto.randomUUID()}` });
    await consumeBatch([sendMessage(after?.id ?? "")]);
    expect((await sentTo(caller)).map((message) => message.body)).toEqual(["Reminder again."]);
  });

  it("HELP is answered from the business's number with its name and how to reach it", async () => {
    const business = await createTextingBusiness({ name: "Sunny Paws Grooming" });
    const caller = uniqueCaller();
    const queue = recordingQueue<SideEffectMessage>();
    expect((await signedTwilioPost(inboundText(caller, business.number, "help"), { env: bindingsWith({ SIDE_EFFECTS: queue }) })).status).toBe(200);
    await deliverQueued(queue);
    const [answer] = await sentTo(caller);
    expect(answer?.from).toBe(business.number);
    expect(answer?.body).toContain("Sunny Paws Grooming");
    expect(answer?.body).toContain(business.number);
  });

  it("status callbacks move a text forward and never back", async () => {
    const business = await createTextingBusiness();
    const caller = uniqueCaller();
    const quiet = { db, env: bindingsWith({ SIDE_EFFECTS: recordingQueue() }), logger: createServices(bindingsWith({})).logger };
    const row = await queueText(quiet, { businessId: business.businessId, number: caller, kind: "confirmation", body: "Booked.", idempotencyKey: `test:${crypto.randomUUID()}` });
    await consumeBatch([sendMessage(row?.id ?? "")]);
    const sid = (await textRow(row?.id ?? ""))?.twilioSid as string;
    const callback = (status: string) => ({ AccountSid: "AC", ApiVersion: "2010-04-01", From: business.number, To: caller, MessageSid: sid, SmsSid: sid, MessageStatus: status, SmsStatus: status });
    // A status callback signed with another key, or not at all, moves nothing.
    expect((await signedTwilioPost(callback("failed"), { authToken: "not-our-auth-token" })).status).toBe(403);
    expect((await signedTwilioPost(callback("failed"), { signature: "" })).status).toBe(403);
    expect((await textRow(row?.id ?? ""))?.status).not.toBe("failed");
    expect((await signedTwilioPost(callback("delivered"))).status).toBe(200);
    expect((await textRow(row?.id ?? ""))?.status).toBe("delivered");
    await signedTwilioPost(callback("sent"));
    expect((await textRow(row?.id ?? ""))?.status).toBe("delivered");
  });

  it("X cancels the caller's next booking in Google and answers; C confirms it", async () => {
    const now = new Date();
    const owner = await connectedUser(now);
    await recordPurchase(owner.user.id, 100);
    const business = await makeTextingBusiness(owner, { name: "Glow Salon" });
    const calendarId = await ownCalendar(owner.tokens.accessToken);
    const agent = await bookingAgent(owner.user.id, { calendarId, minNoticeMinutes: 0 });
    const caller = uniqueCaller();
    // Next weekday at 10:00 in New York, at least a day ahead.
    const day = new Date(now.getTime() + 2 * 86_400_000);
    while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() + 1);
    const start = `${day.toISOString().slice(0, 10)}T10:00:00`;
    const booked = await bookAppointment(googleDeps(() => new Date()), agent, { start, name: "Robin", callerPhone: caller, idempotencyKey: `test:${crypto.randomUUID()}` });
    expect(booked.ok).toBe(true);
    const eventId = booked.ok ? booked.event.id : "";

    const queue = recordingQueue<SideEffectMessage>();
    const env = bindingsWith({ SIDE_EFFECTS: queue });
    await signedTwilioPost(inboundText(caller, business.number, "C"), { env });
    await deliverQueued(queue);
    expect((await sentTo(caller)).at(-1)?.body).toContain("you're confirmed for");

    expect((await signedTwilioPost(inboundText(caller, business.number, "x"), { env })).status).toBe(200);
    await deliverQueued(queue);
    const event = (await calendarEvents(owner.tokens.accessToken, calendarId)).find((item) => item.id === eventId);
    expect(event?.status).toBe("cancelled");
    const [hold] = await db.select().from(bookingHolds).where(eq(bookingHolds.googleEventId, eventId));
    expect(hold?.status).toBe("cancelled");
    expect((await sentTo(caller)).at(-1)?.body).toContain("is cancelled");
  });
});
