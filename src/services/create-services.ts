/**
 * `createServices(env)`: the composition root, the one place that builds what a request, a queue
 * batch, the Cron Trigger or a Durable Object needs — the parsed configuration, the database, a
 * logger, the clock and every vendor. Each vendor is the same kind of thing: a function that
 * makes its client (or settings) on the first call and hands back the same one after, so work
 * that never calls a vendor needs none of its keys (pausing an agent, an assistant-request), and
 * a missing key is a 503 `service_not_configured` where it is used. Shape after Unkey's `init`
 * middleware / `ServiceContext`.
 *
 * @example
 *   const services = createServices(env, { logger });
 *   await services.db.select()…;  services.vapi().assistants.create(…);
 *   const stripe = await services.stripe();
 */
import type Stripe from "stripe";
import type { Bindings } from "../bindings";
import { type Config, loadConfig } from "../config/env";
import { createDatabase, type Database } from "../db/client";
import { createMailer, type Mailer } from "../integrations/email/mailer";
import { type GoogleSettings, requireGoogleSettings } from "../integrations/google/oauth";
import { createOpenRouterClient, type OpenRouterClient } from "../integrations/openrouter/client";
import { stripeClient } from "../integrations/stripe/client";
import { createTwilioClient, type TwilioClient } from "../integrations/twilio/client";
import { createVapiClient, type VapiClient } from "../integrations/vapi/client";
import { createLogger, type Logger, parseLevel } from "../lib/logger";
import type { BookingPort } from "./calls/booking-port";
import { googleBooking } from "./google/voice-booking";
import { textBookingConfirmation } from "./texts/notify";

export interface Services {
  env: Bindings;
  config: Config;
  db: Database;
  logger: Logger;
  /** The clock every rule is judged by (notice, horizon, token expiry); fixed in tests. */
  now: () => Date;
  /** The Vapi client; throws 503 `service_not_configured` without VAPI_API_KEY. */
  vapi: () => VapiClient;
  /** The Stripe client (async: the SDK is imported on first use); rejects with 503 without STRIPE_SECRET_KEY. */
  stripe: () => Promise<Stripe>;
  /** Google's OAuth client and token key settings; throws 503 unless Google is configured. */
  google: () => GoogleSettings;
  /** The SMTP mailer owner notifications are sent through. */
  mailer: () => Mailer;
  /** The AI writer (OpenRouter); throws 503 without OPENROUTER_API_KEY. */
  openrouter: () => OpenRouterClient;
  /** Twilio's REST API (numbers, texts); throws 503 without TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN. */
  twilio: () => TwilioClient;
  /** The calendar behind the voice tools: the owner's Google Calendar (services/google). */
  booking: BookingPort;
}

/** `make` run on the first call only; a throw is not kept, so the next call tries again. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

export function createServices(env: Bindings, options: { logger?: Logger; component?: string } = {}): Services {
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger(options.component ? { component: options.component } : {}, parseLevel(env.LOG_LEVEL));
  const db = createDatabase(config);
  const now = () => new Date();
  const google = once(() => requireGoogleSettings(config));
  return {
    env,
    config,
    db,
    logger,
    now,
    vapi: once(() => createVapiClient(config)),
    // stripeClient keeps its client per key itself; a once() here would keep a rejection too.
    stripe: () => stripeClient(config),
    google,
    mailer: once(() => createMailer(config)),
    openrouter: once(() => createOpenRouterClient(config)),
    twilio: once(() => createTwilioClient(config)),
    booking: googleBooking({ db, config, logger, now, google }, undefined, {
      onBooked: (agent, eventId) => textBookingConfirmation({ db, env, logger }, agent, eventId),
    }),
  };
}
