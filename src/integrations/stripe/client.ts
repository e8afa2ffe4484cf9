/**
 * The Stripe SDK as the worker uses it: on the fetch HTTP client (no Node http in workerd),
 * pointed at STRIPE_API_BASE when set (the sandbox stand-in), and webhook signatures checked
 * with SubtleCrypto over the raw body (docs/architecture.md §13). The SDK is loaded on first use: evaluating
 * it costs ~9 ms of startup that an isolate which never touches payments should not pay
 * (docs/decisions/0900-startup-budget.md).
 */
import type Stripe from "stripe";
import type { Config } from "../../config/env";
import { AppError, notConfigured } from "../../errors";

/** Stripe's own recommendation: reject events signed more than five minutes ago (replays). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
/**
 * The SDK only refuses old timestamps; one from the future would stay "fresh" for as long as it
 * is ahead (docs/architecture.md §13: no future timestamps). This much clock skew is forgiven.
 */
export const WEBHOOK_FUTURE_SKEW_SECONDS = 60;

const clients = new Map<string, Stripe>();
let cryptoProvider: ReturnType<typeof Stripe.createSubtleCryptoProvider> | undefined;
let loadedSdk: typeof Stripe | undefined;

async function stripeSdk(): Promise<typeof Stripe> {
  loadedSdk ??= (await import("stripe")).default;
  return loadedSdk;
}

/** The API client, or 503 service_not_configured when STRIPE_SECRET_KEY is missing. */
export async function stripeClient(config: Pick<Config, "STRIPE_SECRET_KEY" | "STRIPE_API_BASE">): Promise<Stripe> {
  const key = config.STRIPE_SECRET_KEY;
  if (!key) throw notConfigured("STRIPE_SECRET_KEY", "payments");
  const cacheKey = `${key}\u0000${config.STRIPE_API_BASE ?? ""}`;
  let client = clients.get(cacheKey);
  if (!client) {
    const Stripe = await stripeSdk();
    client = new Stripe(key, {
      httpClient: Stripe.createFetchHttpClient(),
      ...apiBaseOptions(config.STRIPE_API_BASE),
      // The SDK retries network failures and 409/5xx with the same idempotency key.
      maxNetworkRetries: 2,
      timeout: 20_000,
      telemetry: false,
    });
    clients.set(cacheKey, client);
  }
  return client;
}

/** STRIPE_API_BASE (a full URL) as the SDK's host, port and protocol; the SDK takes no path prefix. */
export function apiBaseOptions(base: string | undefined): { host?: string; port?: number; protocol?: "http" | "https" } {
  if (!base) return {};
  const url = new URL(base);
  const protocol = url.protocol === "http:" ? "http" : "https";
  return { host: url.hostname, port: url.port ? Number(url.port) : protocol === "http" ? 80 : 443, protocol };
}

export class InvalidSignatureError extends Error {
  override name = "InvalidSignatureError";
}

/**
 * The verified event, or InvalidSignatureError: a missing, malformed, wrongly signed or stale
 * signature, or a body that is not the one that was signed.
 */
export async function verifyStripeEvent(rawBody: string, signature: string | undefined, secret: string, receivedAt?: number): Promise<Stripe.Event> {
  if (!signature) throw new InvalidSignatureError("missing Stripe-Signature header");
  const Stripe = await stripeSdk();
  cryptoProvider ??= Stripe.createSubtleCryptoProvider();
  let event: Stripe.Event;
  try {
    event = await Stripe.webhooks.constructEventAsync(rawBody, signature, secret, WEBHOOK_TOLERANCE_SECONDS, cryptoProvider, receivedAt);
  } catch (error) {
    throw new InvalidSignatureError(error instanceof Error ? error.message : String(error));
  }
  // Checked after the signature, so an unsigned header cannot probe the server's clock.
  // The SDK signs with the header's last `t=`; so do we judge it.
  const signedAt = Number([...signature.matchAll(/(?:^|,)t=(\d+)(?=,|$)/g)].at(-1)?.[1]);
  const nowSeconds = Math.floor((receivedAt ?? Date.now()) / 1000);
  if (!Number.isFinite(signedAt) || signedAt - nowSeconds > WEBHOOK_FUTURE_SKEW_SECONDS) {
    throw new InvalidSignatureError("Timestamp is in the future");
  }
  return event;
}

/** A Stripe API failure as the API's error: 502 upstream_error with Stripe's message for the log. */
export function stripeFailure(error: unknown, what: string): AppError {
  // An error from the SDK means the SDK was loaded: before that, nothing here is a StripeError.
  const Stripe = loadedSdk;
  if (Stripe && error instanceof Stripe.errors.StripeConnectionError) {
    return new AppError("upstream_error", `Could not reach Stripe to ${what}. Please try again.`);
  }
  if (Stripe && error instanceof Stripe.errors.StripeError) {
    return new AppError("upstream_error", `Stripe could not ${what}.`, { stripe: { type: error.type, code: error.code, param: error.param } });
  }
  return new AppError("upstream_error", `Stripe could not ${what}.`);
}
