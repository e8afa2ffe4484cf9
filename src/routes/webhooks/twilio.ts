/**
 * `POST /api/webhooks/twilio`: a caller's text to one of our numbers, or a delivery status
 * callback of one of ours (docs/architecture.md §7b). X-Twilio-Signature is checked first, over
 * the URL Twilio was given (APP_URL + this path + the query) and the form parameters; anything
 * else gets 403 and writes nothing. Then services/texts/inbound.ts acts on it, once per
 * MessageSid. Replies are sent through the queue (charged, recorded), so the answer is empty TwiML.
 */
import { Hono } from "hono";
import { AppError, requireSetting } from "../../errors";
import type { HonoEnv } from "../../hono-env";
import { verifyTwilioSignature } from "../../integrations/twilio/signature";
import { handleTwilioWebhook } from "../../services/texts/inbound";

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export const twilioWebhookRoutes = new Hono<HonoEnv>().post("/webhooks/twilio", async (c) => {
  const services = c.var.services;
  const authToken = requireSetting(services.config.TWILIO_AUTH_TOKEN, "TWILIO_AUTH_TOKEN", "Twilio webhooks");
  const rawBody = await c.req.text();
  const params = [...new URLSearchParams(rawBody)];
  const requested = new URL(c.req.url);
  const url = `${services.config.APP_URL}${requested.pathname}${requested.search}`;
  if (!(await verifyTwilioSignature(authToken, c.req.header("x-twilio-signature"), url, params))) {
    services.logger.warn("twilio webhook refused: bad signature");
    throw new AppError("forbidden", "The X-Twilio-Signature header does not match this request.");
  }
  await handleTwilioWebhook(services, new Map(params));
  return c.body(EMPTY_TWIML, 200, { "content-type": "text/xml; charset=utf-8" });
});
