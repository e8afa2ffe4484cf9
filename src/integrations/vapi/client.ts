/**
 * Vapi through its official client (@vapi-ai/server-sdk), pointed at VAPI_BASE_URL so a local
 * stand-in can take its place. Failures become one error the API shows the user: 502
 * `vapi_error` carrying Vapi's own reason; a missing key is 503 `service_not_configured`.
 */
import { VapiClient, VapiError, VapiTimeoutError } from "@vapi-ai/server-sdk";
import type { Config } from "../../env";
import { AppError, requireSetting } from "../../errors";

export type { VapiClient } from "@vapi-ai/server-sdk";

/** Long enough for a slow Vapi, short enough that a dashboard request still answers. */
const TIMEOUT_SECONDS = 20;
/** The client retries 408/429/5xx with backoff; one retry keeps a request under a minute. */
const MAX_RETRIES = 1;

export function createVapiClient(config: Pick<Config, "VAPI_API_KEY" | "VAPI_BASE_URL">): VapiClient {
  return new VapiClient({
    token: requireSetting(config.VAPI_API_KEY, "VAPI_API_KEY", "voice agents"),
    baseUrl: config.VAPI_BASE_URL,
    timeoutInSeconds: TIMEOUT_SECONDS,
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
  if (error instanceof VapiTimeoutError) {
    return new AppError("vapi_error", `Vapi did not answer in time when asked to ${action}. Nothing was changed; please try again.`);
  }
  if (error instanceof VapiError && error.statusCode !== undefined) {
    const reason = vapiReason(error.body) ?? `HTTP ${error.statusCode}`;
    const verb = error.statusCode >= 500 ? `Vapi failed to ${action}` : `Vapi refused to ${action}`;
    return new AppError("vapi_error", `${verb}: ${reason}`, { vapiStatus: error.statusCode, reason });
  }
  return new AppError("vapi_error", `Could not reach Vapi to ${action}. Nothing was changed; please try again.`);
}
