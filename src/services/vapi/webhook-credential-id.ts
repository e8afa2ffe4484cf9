/**
 * Which Vapi webhook credential our assistants and numbers name: VAPI_CREDENTIAL_ID when set;
 * otherwise one created at first use and kept in `app_settings` ("vapi_credential_id"), so every
 * isolate and every later deploy reuses it. Creating it at Vapi is integrations/vapi/webhook-credential.ts.
 */
import { eq, sql } from "drizzle-orm";
import type { Config } from "../../config/env";
import type { Database } from "../../db/client";
import { appSettings } from "../../db/schema";
import { requireSetting } from "../../errors";
import type { VapiClient } from "../../integrations/vapi/client";
import { createWebhookCredential } from "../../integrations/vapi/webhook-credential";

export const CREDENTIAL_SETTING_KEY = "vapi_credential_id";

export async function webhookCredentialId(
  db: Database,
  vapi: VapiClient,
  config: Pick<Config, "VAPI_CREDENTIAL_ID" | "VAPI_WEBHOOK_SECRET" | "ENVIRONMENT_ID">,
): Promise<string> {
  if (config.VAPI_CREDENTIAL_ID) return config.VAPI_CREDENTIAL_ID;
  const [stored] = await db.select({ value: appSettings.value }).from(appSettings).where(eq(appSettings.key, CREDENTIAL_SETTING_KEY)).limit(1);
  if (stored) return stored.value;
  const secret = requireSetting(config.VAPI_WEBHOOK_SECRET, "VAPI_WEBHOOK_SECRET", "voice agents");
  const created = await createWebhookCredential(vapi, secret, config.ENVIRONMENT_ID);
  // Two first uses at once both create one; the first stored wins and the other stays unused at Vapi.
  const [kept] = await db
    .insert(appSettings)
    .values({ key: CREDENTIAL_SETTING_KEY, value: created })
    .onConflictDoUpdate({ target: appSettings.key, set: { key: sql`excluded.key` } })
    .returning({ value: appSettings.value });
  return kept?.value ?? created;
}
