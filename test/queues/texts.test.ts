/**
 * Sending a text through the side-effects queue (docs/architecture.md §7b): from the business's
 * own number, charged per segment once, never to an opted-out number, never in quiet hours,
 * never without credit.
 */
import { describe, expect, it } from "vitest";
import { textOptOuts } from "../../src/db/schema";
import { createLogger } from "../../src/lib/logger";
import { loadTemporal } from "../../src/services/google/time";
import { queueText, sendMessage } from "../../src/services/texts/queue";
import { nextSendableAt } from "../../src/services/texts/quiet-hours";
import { db } from "../support/db";
import { bindingsWith, envWith, recordingQueue } from "../support/env";
import { consumeBatch } from "../support/queues";
import { createTextingBusiness, textCharges, textRow, uniqueCaller } from "../support/texting";
import { twilio, twilioState } from "../support/twilio";

const quietQueue = () => ({ db, env: bindingsWith({ SIDE_EFFECTS: recordingQueue() }), logger: createLogger({}, "error") });

async function aText(business: { businessId: string; phoneNumberId: string }, body: string, kind: "confirmation" | "reply" = "confirmation") {
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
    const { row, to } = await aText(business, "Reminder: your appointment is tomorrow at 3:00 PM.");
    const queue = recordingQueue();
    await consumeBatch([sendMessage(row.id)], { env: bindingsWith({ SIDE_EFFECTS: queue }) });
    expect(await sentTo(to)).toEqual([]);
    const held = await textRow(row.id);
    expect(held?.status).toBe("held");
    const expected = nextSendableAt(new Date(), business.timezone);
    expect(Math.abs((held?.sendAfter?.getTime() ?? 0) - expected.getTime())).toBeLessThan(60_000);
    expect(queue.sent).toEqual([sendMessage(row.id)]);
    expect(await textCharges(business.businessId)).toEqual([]);
    // A reply to the caller's own text is not held: they are awake and waiting for it.
    const reply = await aText(business, "Thanks, we will call you back.", "reply");
    await consumeBatch([sendMessage(reply.row.id)]);
    expect(await sentTo(reply.to)).toHaveLength(1);
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
