/**
 * Our Vapi webhook credential (VAPI.md "Authentication of incoming messages"): an HMAC plan
 * keyed with VAPI_WEBHOOK_SECRET, so Vapi signs every message to our server URL. Its id comes
 * from VAPI_CREDENTIAL_ID when set; otherwise it is created at first use and kept in
 * `app_settings` ("vapi_credential_id"), so every isolate and every later deploy reuses it.
 */
import { eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { appSettings } from "../../db/schema";
import type { Config } from "../../env";
import { AppError, requireSetting } from "../../errors";
import type { VapiClient } from "./client";
import { vapiFailure, vapiReason } from "./client";

export const CREDENTIAL_SETTING_KEY = "vapi_credential_id";

/** The HMAC plan our webhook verifies: hex(HMAC-SHA256(secret, `${timestamp}.${rawBody}`)). */
export function webhookCredentialDto(secret: string) {
  return {
    provider: "webhook",
    name: "Agentline webhook",
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

export async function webhookCredentialId(
  db: Database,
  vapi: VapiClient,
  config: Pick<Config, "VAPI_CREDENTIAL_ID" | "VAPI_WEBHOOK_SECRET">,
): Promise<string> {
  if (config.VAPI_CREDENTIAL_ID) return config.VAPI_CREDENTIAL_ID;
  const [stored] = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, CREDENTIAL_SETTING_KEY)).limit(1);
  if (stored) return stored.value;
  const secret = requireSetting(config.VAPI_WEBHOOK_SECRET, "VAPI_WEBHOOK_SECRET", "voice agents");
  const created = await createCredential(vapi, secret);
  // Two first uses at once both create one; the first stored wins and the other stays unused at Vapi.
  const [kept] = await db
    .insert(appSettings)
    .values({ key: CREDENTIAL_SETTING_KEY, value: created })
    .onConflictDoUpdate({ target: appSettings.key, set: { key: sql`excluded.key` } })
    .returning({ value: appSettings.value });
  return kept?.value ?? created;
}

async function createCredential(vapi: VapiClient, secret: string): Promise<string> {
  // The SDK has no typed call for credentials; its passthrough keeps auth, base URL and retries.
  let response: Response;
  try {
    response = await vapi.fetch("credential", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(webhookCredentialDto(secret)),
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
