/**
 * Vapi through its official client (@vapi-ai/server-sdk), pointed at VAPI_BASE_URL so a local
 * stand-in can take its place. Failures become one error the API shows the user: 502
 * `vapi_error` carrying Vapi's own reason; a missing key is 503 `service_not_configured`.
 */
import { VapiClient, VapiError, VapiTimeoutError } from "@vapi-ai/server-sdk";
import type { Config } from "../../config/env";
import { AppError, requireSetting } from "../../errors";

export type { VapiClient } from "@vapi-ai/server-sdk";

/**
 * The client retries 408/429/5xx once with backoff (a timeout is not retried): with the default
 * VAPI_TIMEOUT_MS of 15 s per attempt, a dashboard request that calls Vapi answers within about
 * half a minute, well inside what a browser or Cloudflare's proxy waits (100 s).
 */
const MAX_RETRIES = 1;
/** VAPI_TIMEOUT_MS's default, for a caller that passes a partial config (tests of the client alone). */
const DEFAULT_TIMEOUT_MS = 15_000;

export function createVapiClient(config: Pick<Config, "VAPI_API_KEY" | "VAPI_BASE_URL"> & Partial<Pick<Config, "VAPI_TIMEOUT_MS">>): VapiClient {
  return new VapiClient({
    token: requireSetting(config.VAPI_API_KEY, "VAPI_API_KEY", "voice agents"),
    baseUrl: config.VAPI_BASE_URL,
    timeoutInSeconds: (config.VAPI_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS) / 1000,
    maxRetries: MAX_RETRIES,
  });
}

/** Deletes something at Vapi; already gone (404) counts as done, any other failure is a 502. */
export async function deleteAtVapi(remove: () => Promise<unknown>, action: string): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (!isVapiNotFound(error)) throw vapiFailure(error, action);
  }
}

/**
 * The SDK aborts a slow request with the reason "timeout"; fetch rejects with that reason, not
 * an AbortError (workerd wraps it as `Error("timeout")`), so the SDK reports an unknown failure
 * whose cause is that reason instead of throwing its VapiTimeoutError.
 */
export function isVapiTimeout(error: unknown): boolean {
  if (error instanceof VapiTimeoutError) return true;
  if (!(error instanceof VapiError) || error.statusCode !== undefined) return false;
  const cause = (error as { cause?: unknown }).cause;
  if (cause === "timeout") return true;
  return cause instanceof Error && (cause.message === "timeout" || cause.name === "TimeoutError" || cause.name === "AbortError");
}

export function isVapiNotFound(error: unknown): boolean {
  return error instanceof VapiError && error.statusCode === 404;
}

/** Vapi's reason from an error body: `{message: string | string[], error?}` or plain text. */
export function vapiReason(body: unknown): string | undefined {
  if (typeof body === "string") return body.trim().slice(0, 500) || undefined;
  if (typeof body !== "object" || body === null) return undefined;
  const { message, error } = body as { message?: unknown; error?: unknown };
  if (Array.isArray(message)) return message.map(String).join("; ").slice(0, 1000);
  if (typeof message === "string" && message) return message.slice(0, 1000);
  return typeof error === "string" && error ? error : undefined;
}

/** The AppError for a failed Vapi call; `action` completes "Vapi refused to …" / "Vapi failed to …". */
export function vapiFailure(error: unknown, action: string): AppError {
  if (error instanceof AppError) return error;
  if (isVapiTimeout(error)) {
    return new AppError("vapi_error", `Vapi did not answer in time when asked to ${action}. Nothing was changed; please try again.`);
  }
  if (error instanceof VapiError && error.statusCode !== undefined) {
    const reason = vapiReason(error.body) ?? `HTTP ${error.statusCode}`;
    const verb = error.statusCode >= 500 ? `Vapi failed to ${action}` : `Vapi refused to ${action}`;
    return new AppError("vapi_error", `${verb}: ${reason}`, { vapiStatus: error.statusCode, reason });
  }
  return new AppError("vapi_error", `Could not reach Vapi to ${action}. Nothing was changed; please try again.`);
}
