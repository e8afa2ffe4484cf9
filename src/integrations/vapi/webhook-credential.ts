/**
 * Our Vapi webhook credential (docs/vapi.md "Authentication of incoming messages"): an HMAC plan
 * keyed with VAPI_WEBHOOK_SECRET, so Vapi signs every message to our server URL. Creating it at
 * Vapi is here; which id we use, and where it is kept, is services/vapi/webhook-credential-id.ts.
 */
import { AppError } from "../../errors";
import type { VapiClient } from "./client";
import { vapiFailure, vapiReason } from "./client";

/**
 * The HMAC plan our webhook verifies: hex(HMAC-SHA256(secret, `${timestamp}.${rawBody}`)), named
 * for its environment (ADR 0120): "Agentline webhook (staging)", at most 36 of Vapi's 40 characters.
 */
export function webhookCredentialDto(secret: string, environmentId: string) {
  return {
    provider: "webhook",
    name: `Agentline webhook (${environmentId})`.slice(0, 40),
    authenticationPlan: {
      type: "hmac",
      secretKey: secret,
      algorithm: "sha256",
      signatureHeader: "x-signature",
      timestampHeader: "x-timestamp",
      payloadFormat: "{timestamp}.{body}",
      signatureEncoding: "hex",
    },
  } as const;
}

/** Creates the credential at Vapi and returns its id; a refusal is 502 `vapi_error` with Vapi's reason. */
export async function createWebhookCredential(vapi: VapiClient, secret: string, environmentId: string): Promise<string> {
  // The SDK has no typed call for credentials; its passthrough keeps auth, base URL and retries.
  let response: Response;
  try {
    response = await vapi.fetch("credential", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(webhookCredentialDto(secret, environmentId)),
    });
  } catch (error) {
    throw vapiFailure(error, "create the webhook credential");
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const reason = vapiReason(body) ?? `HTTP ${response.status}`;
    throw new AppError("vapi_error", `Vapi refused to create the webhook credential: ${reason}`, { vapiStatus: response.status, reason });
  }
  const id = (body as { id?: unknown } | undefined)?.id;
  if (typeof id !== "string" || !id) throw new AppError("vapi_error", "Vapi created the webhook credential but sent no id.");
  return id;
}
