/**
 * The texts side of `npm run simulate:call` (dev/calls/texting.mjs, --script reminder): the Cron
 * Trigger run as of the day before the appointment, through the local trigger endpoint; the
 * caller's reply sent through the Twilio stand-in, which signs it as Twilio does and posts it to
 * the number's SmsUrl; the times the script books, with their offsets. The whole script against a
 * running sandbox is in sandbox.test.ts.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { conversation } from "../../dev/calls/scripts.mjs";
import { inZone, reminderRunAt, replyAsCaller, runCronTrigger } from "../../dev/calls/texting.mjs";
import { startTwilioStandIn } from "../../dev/stand-ins/twilio.mjs";
import { twilioSignature } from "../../src/integrations/twilio/signature";

describe("the reminder script's times", () => {
  it("runs the Cron Trigger 23 hours before the appointment (inside the day-before window), or now once that has passed", () => {
    const now = new Date("2030-05-13T08:00:00Z");
    expect(reminderRunAt("2030-05-14T10:00:00-05:00", now).toISOString()).toBe("2030-05-13T16:00:00.000Z");
    expect(reminderRunAt("2030-05-13T14:00:00-05:00", now).toISOString()).toBe(now.toISOString());
  });

  it("books the slot as a model says it, the wall-clock time with the zone's offset", () => {
    expect(inZone("2030-05-14T15:00:00.000Z", "America/Chicago")).toBe("2030-05-14T10:00:00-05:00");
    expect(inZone("2030-01-15T16:30:00.000Z", "America/Chicago")).toBe("2030-01-15T10:30:00-06:00");
    const talk = conversation("reminder", { timezone: "America/Chicago", maxSeconds: 420, callerName: "Jordan Lee", start: "2030-05-14T10:00:00-05:00" });
    expect(talk.tools).toEqual([
      [{ name: "check_availability", arguments: { date: "2030-05-14" } }],
      [{ name: "book_appointment", arguments: { start: "2030-05-14T10:00:00-05:00", name: "Jordan Lee", notes: "Trim" } }],
    ]);
    expect(() => conversation("reminder", { timezone: "America/Chicago", maxSeconds: 420, callerName: "Jordan Lee" })).toThrow(/start/);
  });
});

describe("the simulator, the Cron Trigger and the Twilio stand-in", () => {
  let twilio: Awaited<ReturnType<typeof startTwilioStandIn>>;
  let app: http.Server;
  let appUrl = "";
  const received: { url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  /** What the fake app answers at /cdn-cgi/handler/scheduled (wrangler dev and the Vite plugin answer 200). */
  let triggerStatus = 200;

  beforeAll(async () => {
    twilio = await startTwilioStandIn();
    app = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => {
        body += chunk;
      });
      req.on("end", () => {
        received.push({ url: req.url ?? "", headers: req.headers, body });
        if (req.url?.startsWith("/cdn-cgi/handler/scheduled")) res.writeHead(triggerStatus).end("ok");
        else res.writeHead(200, { "content-type": "text/xml" }).end("<Response/>");
      });
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => app?.close(resolve));
    await twilio?.close();
  });

  it("runs the Cron Trigger with wrangler.toml's schedule and the chosen time; a server without the endpoint is a clear error", async () => {
    received.length = 0;
    await runCronTrigger(appUrl, new Date("2030-05-13T16:00:00Z"));
    const url = new URL(received[0]?.url ?? "", appUrl);
    expect(url.pathname).toBe("/cdn-cgi/handler/scheduled");
    expect(url.searchParams.get("cron")).toBe("17 * * * *");
    expect(url.searchParams.get("time")).toBe(String(Date.parse("2030-05-13T16:00:00Z")));
    triggerStatus = 404;
    await expect(runCronTrigger(appUrl, new Date())).rejects.toThrow(/HTTP 404.*npm run dev/);
    triggerStatus = 200;
  });

  it("replies as the caller through the stand-in: posted to the number's SmsUrl, signed with the account's token as Twilio signs it", async () => {
    const auth = `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString("base64")}`;
    const smsUrl = `${appUrl}/api/webhooks/twilio`;
    const bought = await fetch(`${twilio.url}/2010-04-01/Accounts/${twilio.accountSid}/IncomingPhoneNumbers.json`, {
      method: "POST",
      headers: { authorization: auth, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ AreaCode: "512", SmsUrl: smsUrl, SmsMethod: "POST" }).toString(),
    });
    const number = ((await bought.json()) as { phone_number: string }).phone_number;
    received.length = 0;

    const answer = await replyAsCaller(twilio.url, { from: "+15125550147", to: number, body: "X" });
    expect(answer.delivery?.status).toBe(200);
    const [webhook] = received;
    expect(webhook?.url).toBe("/api/webhooks/twilio");
    const params = [...new URLSearchParams(webhook?.body ?? "")];
    expect(Object.fromEntries(params)).toMatchObject({ From: "+15125550147", To: number, Body: "X", AccountSid: twilio.accountSid });
    expect(webhook?.headers["x-twilio-signature"]).toBe(await twilioSignature(twilio.authToken, smsUrl, params));
  });
});
