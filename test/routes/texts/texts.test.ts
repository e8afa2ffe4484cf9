/** `GET /api/texts`, `GET /api/texts/opt-outs`, `POST /api/texts` (docs/architecture.md §12): the business's own texts only. */
import { describe, expect, it } from "vitest";
import { calls, DEFAULT_TEXTING, textOptOuts } from "../../../src/db/schema";
import { createLogger } from "../../../src/lib/logger";
import { createServices } from "../../../src/services/create-services";
import { queueDueReminders, textAfterCall } from "../../../src/services/texts/notify";
import type { SideEffectMessage } from "../../../src/side-effects/messages";
import { recordPurchase } from "../../support/credits";
import { db } from "../../support/db";
import { bindingsWith, recordingQueue } from "../../support/env";
import { bookingAgent, connectedUser, ownCalendar } from "../../support/google";
import { call, errorOf } from "../../support/http";
import { consumeBatch } from "../../support/queues";
import { createTextingBusiness, makeTextingBusiness, textCharges, twilioEnv, uniqueCaller } from "../../support/texting";
import { inboundText, signedTwilioPost, twilioState } from "../../support/twilio";

describe("the texts API", () => {
  it("shows a conversation newest first, paginated, and sends the owner's reply from the business's number, charged", async () => {
    const business = await createTextingBusiness();
    const caller = uniqueCaller();
    for (const body of ["Hi, are you open Sunday?", "And do you take cards?", "Thanks!"]) await signedTwilioPost(inboundText(caller, business.number, body));
    const first = await call(`/api/texts?number=${encodeURIComponent(caller)}&limit=2`, { cookie: business.cookie });
    expect(first.status).toBe(200);
    const page = (await first.json()) as { texts: { body: string; direction: string }[]; nextCursor: string | null };
    expect(page.texts.map((text) => text.body)).toEqual(["Thanks!", "And do you take cards?"]);
    const second = (await (await call(`/api/texts?number=${encodeURIComponent(caller)}&limit=2&cursor=${page.nextCursor}`, { cookie: business.cookie })).json()) as typeof page;
    expect(second.texts.map((text) => text.body)).toEqual(["Hi, are you open Sunday?"]);
    expect(second.nextCursor).toBeNull();

    const queue = recordingQueue<SideEffectMessage>();
    const sent = await call("/api/texts", { method: "POST", cookie: business.cookie, json: { to: caller, body: "Yes, 10 to 4 on Sundays, and we take cards." }, env: bindingsWith({ SIDE_EFFECTS: queue }) });
    expect(sent.status).toBe(202);
    await consumeBatch(queue.sent.splice(0));
    const [reply] = (await twilioState()).messages.filter((message) => message.to === caller);
    expect(reply).toMatchObject({ from: business.number, body: "Yes, 10 to 4 on Sundays, and we take cards." });
    expect((await textCharges(business.businessId)).map((charge) => charge.delta)).toEqual([-1]);
  });

  it("refuses a reply to an opted-out number, lists the opt-outs, and shows another business nothing", async () => {
    const business = await createTextingBusiness();
    const other = await createTextingBusiness();
    const caller = uniqueCaller();
    await db.insert(textOptOuts).values({ businessId: business.businessId, number: caller });
    const refused = await call("/api/texts", { method: "POST", cookie: business.cookie, json: { to: caller, body: "Hello?" } });
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).code).toBe("conflict");
    const optOuts = (await (await call("/api/texts/opt-outs", { cookie: business.cookie })).json()) as { optOuts: { number: string }[] };
    expect(optOuts.optOuts.map((entry) => entry.number)).toEqual([caller]);
    await signedTwilioPost(inboundText(caller, business.number, "private"));
    const theirs = (await (await call(`/api/texts?number=${encodeURIComponent(caller)}`, { cookie: other.cookie })).json()) as { texts: unknown[] };
    expect(theirs.texts).toEqual([]);
    expect((await call("/api/texts", { method: "POST", cookie: business.cookie, json: { to: "not a number", body: "x" } })).status).toBe(400);
    expect((await call("/api/texts")).status).toBe(401);
  });

  it("a call's texts are its own and those of what it booked: the confirmation from the number rang, the reminder, the caller's reply and our answer", async () => {
    const now = new Date();
    const owner = await connectedUser(now);
    await recordPurchase(owner.user.id, 100);
    const business = await makeTextingBusiness(owner, { name: "Glow Salon" });
    // A second number that texts: the caller rings this one, so the confirmation must come from it (not the business's first).
    const second = (await (await call("/api/phone-numbers", { method: "POST", cookie: business.cookie, json: {}, env: twilioEnv })).json()) as { phoneNumber: { id: string; number: string } };
    const calendarId = await ownCalendar(owner.tokens.accessToken);
    const agent = await bookingAgent(owner.user.id, { calendarId, minNoticeMinutes: 0, texting: { ...DEFAULT_TEXTING, reminders: ["24h"], missedCallTextBack: true } });
    const caller = uniqueCaller();
    const vapiCallId = `call_${crypto.randomUUID()}`;
    const [booking] = await db.insert(calls).values({ businessId: business.businessId, agentId: agent.id, phoneNumberId: second.phoneNumber.id, vapiCallId, customerNumber: caller, status: "in-progress" }).returning();
    const [otherCall] = await db.insert(calls).values({ businessId: business.businessId, agentId: agent.id, vapiCallId: `call_${crypto.randomUUID()}`, customerNumber: caller, status: "ended" }).returning();
    const day = new Date(now.getTime() + 2 * 86_400_000);
    while ([0, 6].includes(day.getUTCDay())) day.setUTCDate(day.getUTCDate() + 1);

    const queue = recordingQueue<SideEffectMessage>();
    const env = bindingsWith({ SIDE_EFFECTS: queue });
    const booked = await createServices(env).booking.book(agent, { start: `${day.toISOString().slice(0, 10)}T10:00:00`, name: "Robin", callerPhone: caller, idempotencyKey: `${vapiCallId}:tool_1`, callId: vapiCallId });
    const deps = { db, env, logger: createLogger({}, "error") };
    await queueDueReminders(deps, new Date(Date.parse(booked.start) - 20 * 3600_000));
    await textAfterCall(deps, { id: otherCall?.id ?? "", businessId: business.businessId, agentId: agent.id, customerNumber: caller, refused: true, durationSeconds: 0, endedReason: null, texting: agent.texting, important: false });
    await consumeBatch(queue.sent.splice(0));
    // The caller answers the last text they got (the missed-call text-back, another call's); then C, which is about the booking.
    await signedTwilioPost(inboundText(caller, second.phoneNumber.number, "Sorry, wrong button"), { env });
    await signedTwilioPost(inboundText(caller, second.phoneNumber.number, "C"), { env });
    await consumeBatch(queue.sent.splice(0));

    const confirmation = (await twilioState()).messages.find((message) => message.to === caller && message.body.includes("you're booked"));
    expect(confirmation?.from).toBe(second.phoneNumber.number);
    type Listed = { texts: { kind: string; direction: string; body: string; status: string; callId: string | null }[] };
    const ofCall = (await (await call(`/api/texts?callId=${booking?.id}`, { cookie: business.cookie })).json()) as Listed;
    expect(ofCall.texts.map((text) => `${text.direction} ${text.kind}`).reverse()).toEqual(["outbound confirmation", "outbound reminder_24h", "inbound inbound", "outbound reply"]);
    expect(ofCall.texts.find((text) => text.kind === "confirmation")).toMatchObject({ callId: booking?.id, status: "queued" });
    const ofOther = (await (await call(`/api/texts?callId=${otherCall?.id}`, { cookie: business.cookie })).json()) as Listed;
    expect(ofOther.texts.map((text) => `${text.direction} ${text.kind} ${text.body}`).reverse()).toEqual([expect.stringMatching(/^outbound missed_call /), "inbound inbound Sorry, wrong button"]);
    const stranger = await createTextingBusiness();
    expect(((await (await call(`/api/texts?callId=${booking?.id}`, { cookie: stranger.cookie })).json()) as Listed).texts).toEqual([]);
  });
});
