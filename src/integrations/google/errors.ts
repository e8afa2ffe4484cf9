/**
 * What a failed Google call means for us, whichever client threw it (gaxios errors from
 * google-auth-library and googleapis-common, or an abort): one closed set of kinds, so the
 * services decide "reconnect", "retry", "recreate" or "say sorry" in one place.
 */
export type GoogleFailureKind =
  | "invalid_grant" // the refresh token is revoked or expired: the user must reconnect
  | "unauthorized" // 401/403 from an API: the token or its scopes no longer work
  | "not_found" // 404/410: the calendar, event or spreadsheet is gone
  | "conflict" // 409: e.g. an event id that already exists
  | "rate_limited" // 429 or a 403 rate-limit reason
  | "timeout" // our deadline passed
  | "unavailable" // 5xx or the network
  | "bad_request"; // any other 4xx: our request was wrong

export class GoogleApiError extends Error {
  override name = "GoogleApiError";
  constructor(
    readonly kind: GoogleFailureKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

interface GaxiosLike {
  name?: string;
  message?: string;
  status?: number;
  code?: string | number;
  response?: { status?: number; data?: unknown };
}

const RATE_LIMIT_REASONS = /rateLimitExceeded|userRateLimitExceeded|quotaExceeded/;

/** Classifies any error a Google client threw; a GoogleApiError passes through. */
export function classifyGoogleError(error: unknown): GoogleApiError {
  if (error instanceof GoogleApiError) return error;
  const e = (error ?? {}) as GaxiosLike;
  if (e.name === "AbortError" || e.name === "TimeoutError" || e.code === "ABORT_ERR") {
    return new GoogleApiError("timeout", "Google did not answer in time");
  }
  const status = e.response?.status ?? e.status;
  const data = e.response?.data as { error?: unknown; error_description?: unknown } | undefined;
  const oauthError = typeof data?.error === "string" ? data.error : undefined;
  const apiError = data && typeof data.error === "object" && data.error ? (data.error as { message?: string; status?: string; errors?: { reason?: string }[] }) : undefined;
  const message = apiError?.message ?? (typeof data?.error_description === "string" ? `${oauthError}: ${data.error_description}` : oauthError) ?? e.message ?? "Google request failed";
  if (oauthError === "invalid_grant") return new GoogleApiError("invalid_grant", message, status);
  if (status === undefined) return new GoogleApiError("unavailable", message);
  const reasons = (apiError?.errors ?? []).map((item) => item.reason ?? "").join(" ");
  if (status === 429 || (status === 403 && RATE_LIMIT_REASONS.test(reasons))) return new GoogleApiError("rate_limited", message, status);
  if (status === 401 || status === 403) return new GoogleApiError("unauthorized", message, status);
  if (status === 404 || status === 410) return new GoogleApiError("not_found", message, status);
  if (status === 409) return new GoogleApiError("conflict", message, status);
  if (status >= 500) return new GoogleApiError("unavailable", message, status);
  return new GoogleApiError("bad_request", message, status);
}

/**
 * The token a Calendar/Sheets request is made with. `renew`, when the token came from our cache,
 * gets a new one after a 401 (the services refresh it once, under the refresh lease, and replace
 * `accessToken`; a revoked grant throws instead).
 */
export interface RenewableToken {
  accessToken: string;
  renew?: () => Promise<void>;
}

/**
 * Runs a Google call, turning whatever it throws into a GoogleApiError. A 401 with a renewable
 * token renews it and runs the call once more with the new token; a second 401 is the failure.
 */
export async function googleCall<T>(run: () => Promise<T>, token?: RenewableToken): Promise<T> {
  const used = token?.accessToken;
  try {
    return await run();
  } catch (error) {
    const failure = classifyGoogleError(error);
    if (failure.status !== 401 || !token?.renew) throw failure;
    await token.renew();
    if (token.accessToken === used) throw failure;
  }
  try {
    return await run();
  } catch (error) {
    throw classifyGoogleError(error);
  }
}

/**
 * gaxios (under google-auth-library and googleapis-common) picks `window.fetch` or else imports
 * node-fetch; workerd has no `window`, so every Google client gets the platform's fetch here.
 */
export const platformFetch = ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init)) as unknown as typeof fetch;
