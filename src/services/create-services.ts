/**
 * `createServices(env)`: the one place that builds what a request, a queue batch or a Durable
 * Object needs — the parsed configuration, the database, a logger and the vendor clients. Vendor
 * clients are made on first use, so work that never calls Vapi needs no Vapi key (pausing an
 * agent, an assistant-request). Shape after Unkey's `init` middleware / `ServiceContext`.
 *
 * @example
 *   const services = createServices(env, { logger });
 *   await services.db.select()…;  services.vapi.assistants.create(…);
 *   const stripe = await services.stripe();
 */
import type Stripe from "stripe";
import type { Bindings } from "../bindings";
import { type Config, loadConfig } from "../config/env";
import { createDatabase, type Database } from "../db/client";
import { stripeClient } from "../integrations/stripe/client";
import { createVapiClient, type VapiClient } from "../integrations/vapi/client";
import { createLogger, type Logger, parseLevel } from "../lib/logger";
import type { BookingPort } from "./calls/booking-port";
import { googleBooking } from "./google/voice-booking";

export interface Services {
  env: Bindings;
  config: Config;
  db: Database;
  logger: Logger;
  /** The Vapi client, made on first read; throws 503 `service_not_configured` without a key. */
  readonly vapi: VapiClient;
  /** The same client as a thunk, for code that may or may not need it. */
  lazyVapi: () => VapiClient;
  /**
   * The Stripe client: the SDK is loaded and the client made on the first call (async, unlike
   * Vapi's, because the SDK is imported on demand); rejects with 503 `service_not_configured`
   * without STRIPE_SECRET_KEY.
   */
  stripe: () => Promise<Stripe>;
  /** The calendar behind the voice tools: the owner's Google Calendar (services/google). */
  booking: BookingPort;
}

export function createServices(env: Bindings, options: { logger?: Logger; component?: string } = {}): Services {
  const config = loadConfig(env);
  const logger = options.logger ?? createLogger(options.component ? { component: options.component } : {}, parseLevel(env.LOG_LEVEL));
  let vapi: VapiClient | undefined;
  const lazyVapi = () => (vapi ??= createVapiClient(config));
  const db = createDatabase(config);
  return {
    env,
    config,
    db,
    logger,
    get vapi() {
      return lazyVapi();
    },
    lazyVapi,
    stripe: () => stripeClient(config),
    booking: googleBooking({ db, config, logger, now: () => new Date() }),
  };
}
