/**
 * The Google token key's rotation (docs/operations.md): rows still encrypted under an older key
 * version are re-encrypted under the current one, a bounded batch per call. Active rows move on
 * their own at their next refresh (connection.ts); this is for the idle ones, so the previous
 * key can be removed. Each row is rewritten with a compare-and-swap on its old ciphertext and
 * version, so a refresh that rewrote it meanwhile wins and the row is simply skipped.
 */
import { and, count, eq, isNull, ne } from "drizzle-orm";
import type { Config } from "../../config/env";
import type { Database } from "../../db/client";
import { googleConnections } from "../../db/schema";
import { decryptToken, encryptToken, TokenDecryptionError, type TokenField, type TokenKeyring, tokenKeyring } from "../../integrations/google/crypto";
import { requireGoogleSettings } from "../../integrations/google/oauth";

export interface ReencryptResult {
  /** The key version rows are now written with. */
  keyVersion: number;
  reencrypted: number;
  /** Rows whose key is no longer in the keyring: their owners must reconnect. */
  unreadable: number;
  /** Rows still on an older version after this batch. */
  remaining: number;
}

export async function reencryptGoogleTokens(deps: { db: Database; config: Config }, options: { limit: number }): Promise<ReencryptResult> {
  const settings = requireGoogleSettings(deps.config);
  const keyring = await tokenKeyring(settings.encryptionKey, settings);
  const rows = await deps.db
    .select({
      id: googleConnections.id,
      businessId: googleConnections.businessId,
      keyVersion: googleConnections.keyVersion,
      refresh: googleConnections.refreshTokenCiphertext,
      access: googleConnections.accessTokenCiphertext,
    })
    .from(googleConnections)
    .where(ne(googleConnections.keyVersion, keyring.version))
    .limit(options.limit);
  let reencrypted = 0;
  let unreadable = 0;
  for (const row of rows) {
    let refresh: string | null;
    let access: string | null;
    try {
      refresh = await rewrap(keyring, row.keyVersion, row.businessId, "refresh_token", row.refresh);
      access = await rewrap(keyring, row.keyVersion, row.businessId, "access_token", row.access);
    } catch (error) {
      if (!(error instanceof TokenDecryptionError)) throw error;
      unreadable++;
      continue;
    }
    const updated = await deps.db
      .update(googleConnections)
      .set({ refreshTokenCiphertext: refresh, accessTokenCiphertext: access, keyVersion: keyring.version })
      .where(
        and(
          eq(googleConnections.id, row.id),
          eq(googleConnections.keyVersion, row.keyVersion),
          row.refresh === null ? isNull(googleConnections.refreshTokenCiphertext) : eq(googleConnections.refreshTokenCiphertext, row.refresh),
        ),
      )
      .returning({ id: googleConnections.id });
    reencrypted += updated.length;
  }
  const [left] = await deps.db.select({ n: count() }).from(googleConnections).where(ne(googleConnections.keyVersion, keyring.version));
  return { keyVersion: keyring.version, reencrypted, unreadable, remaining: left?.n ?? 0 };
}

async function rewrap(keyring: TokenKeyring, version: number, businessId: string, field: TokenField, ciphertext: string | null): Promise<string | null> {
  if (ciphertext === null) return null;
  const plain = await decryptToken(keyring, version, businessId, field, ciphertext);
  return (await encryptToken(keyring, businessId, field, plain)).ciphertext;
}
