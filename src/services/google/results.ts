/**
 * What the Google services answer. Anything a caller or an owner can be told is a result, not an
 * exception: `{ok: false, code, message}` where `message` is a sentence the voice agent can say
 * as is. Routes turn a failure into the API's error shape with `failureError`.
 */
import type { Config } from "../../config/env";
import type { Database } from "../../db/client";
import { AppError } from "../../errors";
import { GoogleApiError, type GoogleFailureKind } from "../../integrations/google/errors";
import type { GoogleSettings } from "../../integrations/google/oauth";
import type { Logger } from "../../lib/logger";

export interface GoogleDeps {
  db: Database;
  config: Config;
  logger: Logger;
  /** The clock every rule (notice, horizon, token expiry) is judged by; fixed in tests. */
  now: () => Date;
  /** Google's settings, made once by the composition root (createServices); 503 unless configured. */
  google: () => GoogleSettings;
}

/** Per call: the voice tools give Google a deadline well inside Vapi's 20 s. */
export interface GoogleCallOptions {
  /** Milliseconds for all of this call's Google requests together (default 8000). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type FailureCode =
  | "google_not_connected" // no connection, or it needs reconnecting
  | "google_unavailable" // Google failed or timed out
  | "booking_disabled" // the agent does not take bookings
  | "invalid_time" // in the past, too soon, beyond the horizon, closed, outside hours, off the grid
  | "slot_taken" // someone else has (part of) that time
  | "no_appointment" // the caller has no booking that matches
  | "ambiguous" // the caller has several bookings; say which
  | "unknown_service" // the caller asked for a service we do not offer (the message lists ours)
  | "unknown_staff"; // the caller asked for a staff member we do not have, or one who does not do that service

/** A span of time on the calendar, ISO 8601 instants; the booking tools' port (services/calls/booking-port.ts) speaks it too. */
export interface Slot {
  start: string;
  end: string;
}

export interface Failure {
  ok: false;
  code: FailureCode;
  /** A sentence the voice agent can speak as is. */
  message: string;
  /** For invalid_time: what was wrong. */
  reason?: "past" | "too_soon" | "beyond_horizon" | "closed" | "outside_hours" | "off_grid" | "invalid";
  /** The first free slot after the requested time, when there is one. */
  nextOpening?: Slot;
  /** For ambiguous: the caller's upcoming appointments. */
  choices?: Slot[];
  /** For google_not_connected: never connected, or connected and now needing a reconnect. */
  connection?: "missing" | "needs_reconnect";
  /** For google_unavailable: how Google failed (rate_limited, timeout, unavailable, …). */
  googleFailure?: GoogleFailureKind;
}

export type Result<T> = ({ ok: true } & T) | Failure;

export const fail = (code: FailureCode, message: string, extra: Partial<Failure> = {}): Failure => ({ ok: false, code, message, ...extra });

/** The connection is missing or needs the owner to reconnect it. */
export class GoogleNotConnectedError extends Error {
  override name = "GoogleNotConnectedError";
  constructor(readonly state: "missing" | "needs_reconnect") {
    super(state === "missing" ? "Google is not connected" : "the Google connection needs to be reconnected");
  }
}

export const NOT_CONNECTED_MESSAGE = "I'm sorry, I can't reach the calendar right now, so I can't book or change appointments on this call.";
export const UNAVAILABLE_MESSAGE = "I'm sorry, the calendar isn't answering right now. Please try again in a few minutes.";

/**
 * Runs a service body, turning "not connected" and Google's failures into results. Anything
 * else (a bug, the database) still throws.
 */
export async function guarded<T>(deps: GoogleDeps, what: string, run: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof GoogleNotConnectedError) return fail("google_not_connected", NOT_CONNECTED_MESSAGE, { connection: error.state });
    if (error instanceof GoogleApiError) {
      if (error.kind === "invalid_grant") return fail("google_not_connected", NOT_CONNECTED_MESSAGE, { connection: "needs_reconnect" });
      deps.logger.warn(`google ${what} failed`, { kind: error.kind, status: error.status, error: error.message });
      return fail("google_unavailable", UNAVAILABLE_MESSAGE, { googleFailure: error.kind });
    }
    throw error;
  }
}

/** The API error for a failure, for the dashboard's routes. */
export function failureError(failure: Failure): AppError {
  switch (failure.code) {
    case "google_not_connected":
      return new AppError("google_not_connected", "Connect Google (or reconnect it) on the Integrations page to use the calendar.");
    case "google_unavailable":
      return new AppError("upstream_error", "Google did not answer; try again shortly.");
    case "slot_taken":
      return new AppError("slot_taken", failure.message, failure.nextOpening ? { nextOpening: failure.nextOpening } : undefined);
    case "invalid_time":
      return new AppError("invalid_time", failure.message, { reason: failure.reason, nextOpening: failure.nextOpening ?? null });
    case "booking_disabled":
      return new AppError("conflict", failure.message);
    case "no_appointment":
      return new AppError("not_found", failure.message);
    case "ambiguous":
      return new AppError("conflict", failure.message, { choices: failure.choices });
    case "unknown_service":
      return new AppError("validation_failed", `service: ${failure.message}`, [{ path: "service", message: failure.message }]);
    case "unknown_staff":
      return new AppError("validation_failed", `staff: ${failure.message}`, [{ path: "staff", message: failure.message }]);
  }
}
