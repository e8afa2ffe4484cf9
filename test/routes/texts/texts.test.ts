/** `GET /api/texts`, `GET /api/texts/opt-outs`, `POST /api/texts` (docs/architecture.md §12): the business's own texts only. */
import { describe, expect, it } from "vitest";
import { textOptOuts } from "../../../src/db/schema";
import type { SideEffectMessage } from "../../../src/side-effects/messages";
import { db } from "../../support/db";
import { bindingsWith, recordingQueue } from "../../support/env";
import { call, errorOf } from "../../support/http";
import { consumeBatch } from "../../support/queues";
import { createTextingBusiness, textCharges, uniqueCaller } from "../../support/texting";
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
});
