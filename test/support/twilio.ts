/**
 * The Twilio stand-in (dev/stand-ins/twilio.mjs) as tests see it, and Twilio's webhooks to us
 * built and signed as Twilio builds them (X-Twilio-Signature over APP_URL + path and the sorted
 * parameters), so a test can send an inbound text or a status callback straight to the worker.
 */
import type { Bindings } from "../../src/bindings";
import { twilioSignature } from "../../src/integrations/twilio/signature";
import { testEnv } from "./env";
import { APP_ORIGIN, call } from "./http";
import { standIn } from "./stand-ins";

export const twilio = standIn("twilio");

export interface TwilioState {
  numbers: { sid: string; phone_number: string; sms_url: string | null }[];
  messages: { sid: string; from: string; to: string; body: string; direction: string; status: string; num_segments: string }[];
  optOuts: string[];
}

export const twilioState = () => twilio.state<TwilioState>();

export const TWILIO_WEBHOOK_URL = `${APP_ORIGIN}/api/webhooks/twilio`;

export async function signedTwilioPost(params: Record<string, string>, options: { authToken?: string; url?: string; signature?: string; env?: Bindings } = {}) {
  const entries = Object.entries(params);
  const signature = options.signature ?? (await twilioSignature(options.authToken ?? String(testEnv.TWILIO_AUTH_TOKEN), options.url ?? TWILIO_WEBHOOK_URL, entries));
  return call("/api/webhooks/twilio", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": signature },
    body: new URLSearchParams(entries).toString(),
    env: options.env,
  });
}

let seq = 0;
/** A caller's text to one of our numbers, as Twilio posts it to the number's SmsUrl. */
export function inboundText(from: string, to: string, body: string, messageSid = `SM${Date.now().toString(16)}${(seq++).toString(16).padStart(8, "0")}${"0".repeat(8)}`) {
  return {
    ToCountry: "US",
    SmsMessageSid: messageSid,
    NumMedia: "0",
    SmsSid: messageSid,
    SmsStatus: "received",
    Body: body,
    To: to,
    NumSegments: "1",
    MessageSid: messageSid,
    AccountSid: String(testEnv.TWILIO_ACCOUNT_SID),
    From: from,
    ApiVersion: "2010-04-01",
  };
}
