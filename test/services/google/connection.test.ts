import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { googleConnections } from "../../../src/db/schema";
import { decryptToken, encryptToken, tokenKeyring } from "../../../src/integrations/google/crypto";
import { requireGoogleSettings } from "../../../src/integrations/google/oauth";
import { googleAccess, REFRESH_MARGIN_MS } from "../../../src/services/google/connection";
import { reencryptGoogleTokens } from "../../../src/services/google/reencrypt";
import { GoogleNotConnectedError } from "../../../src/services/google/results";
import { db } from "../../support/db";
import { envWith } from "../../support/env";
import { createUser } from "../../support/factories";
import { config, connectedUser, connectionRow, google, googleDeps } from "../../support/google";
import { googleOAuthError } from "../../support/vendor-errors";

const NOW = new Date("2030-05-14T12:00:00Z");

async function expireAccessToken(businessId: string, at = new Date(NOW.getTime() + REFRESH_MARGIN_MS - 1000)) {
  await db.execute(sql`update ${googleConnections} set access_token_expires_at = ${at.toISOString()}::timestamptz where business_id = ${businessId}::uuid`);
}

describe("google connection tokens", () => {
  it("stores no plaintext token: the raw row holds only AES-GCM ciphertext that decrypts to the tokens", async () => {
    const { user, tokens } = await connectedUser(NOW);
    const raw = await db.execute<Record<string, unknown>>(sql`select * from google_connections where business_id = ${user.id}::uuid`);
    const text = JSON.stringify(raw.rows[0]);
    expect(text).not.toContain(tokens.refreshToken);
    expect(text).not.toContain(tokens.accessToken);
    const row = await connectionRow(user.id);
    expect(row?.keyVersion).toBe(1);
    const keyring = await tokenKeyring(config.GOOGLE_ENCRYPTION_KEY as string);
    expect(await decryptToken(keyring, 1, user.id, "refresh_token", row?.refreshTokenCiphertext as string)).toBe(tokens.refreshToken);
    // Bound to its user and field: the same ciphertext does not open as another user's, or as the other token.
    await expect(decryptToken(keyring, 1, crypto.randomUUID(), "refresh_token", row?.refreshTokenCiphertext as string)).rejects.toThrow();
    await expect(decryptToken(keyring, 1, user.id, "access_token", row?.refreshTokenCiphertext as string)).rejects.toThrow();
  });

  it("encrypts the same token differently each time (a fresh IV per value)", async () => {
    const keyring = await tokenKeyring(config.GOOGLE_ENCRYPTION_KEY as string);
    const { encryptToken } = await import("../../../src/integrations/google/crypto");
    const a = await encryptToken(keyring, "u", "access_token", "same");
    const b = await encryptToken(keyring, "u", "access_token", "same");
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it("uses a token with time left without asking Google", async () => {
    const { user, tokens } = await connectedUser(NOW);
    const mark = await google.mark();
    const access = await googleAccess(googleDeps(NOW), user.id);
    expect(access.accessToken).toBe(tokens.accessToken);
    expect((await google.requests(mark)).filter((r) => r.path === "/token")).toHaveLength(0);
  });

  it("refreshes a token about to expire and stores the new one encrypted", async () => {
    const { user, tokens } = await connectedUser(NOW);
    await expireAccessToken(user.id);
    const mark = await google.mark();
    const access = await googleAccess(googleDeps(NOW), user.id);
    expect(access.accessToken).not.toBe(tokens.accessToken);
    const refreshes = (await google.requests(mark)).filter((r) => r.path === "/token");
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.body).toMatchObject({ grant_type: "refresh_token", refresh_token: tokens.refreshToken });
    const row = await connectionRow(user.id);
    expect(row?.accessTokenExpiresAt?.getTime()).toBeGreaterThan(NOW.getTime() + 50 * 60_000);
    expect(row?.refreshLeaseId).toBeNull();
    expect(JSON.stringify(row)).not.toContain(access.accessToken);
    // The next request reuses it.
    expect((await googleAccess(googleDeps(NOW), user.id)).accessToken).toBe(access.accessToken);
  });

  it("concurrent requests refresh once and all get the new token", async () => {
    const { user } = await connectedUser(NOW);
    await expireAccessToken(user.id, new Date(NOW.getTime() - 1000));
    const mark = await google.mark();
    await google.fault({ method: "POST", path: "/token", delayMs: 300 });
    const results = await Promise.all(Array.from({ length: 6 }, () => googleAccess(googleDeps(NOW), user.id)));
    expect((await google.requests(mark)).filter((r) => r.path === "/token")).toHaveLength(1);
    expect(new Set(results.map((r) => r.accessToken)).size).toBe(1);
  });

  it("invalid_grant marks the connection needs_reconnect and later calls do not ask Google again", async () => {
    const { user } = await connectedUser(NOW);
    await expireAccessToken(user.id);
    await google.fault({ method: "POST", path: "/token", status: 400, body: googleOAuthError("invalid_grant", "Token has been expired or revoked.") });
    await expect(googleAccess(googleDeps(NOW), user.id)).rejects.toBeInstanceOf(GoogleNotConnectedError);
    const row = await connectionRow(user.id);
    expect(row?.status).toBe("needs_reconnect");
    expect(row?.accessTokenCiphertext).toBeNull();
    const mark = await google.mark();
    await expect(googleAccess(googleDeps(NOW), user.id)).rejects.toMatchObject({ state: "needs_reconnect" });
    expect(await google.requests(mark)).toHaveLength(0);
  });

  it("a 5xx during refresh releases the lease so the next request can try again", async () => {
    const { user } = await connectedUser(NOW);
    await expireAccessToken(user.id, new Date(NOW.getTime() - 1000));
    await google.fault({ method: "POST", path: "/token", status: 503, body: googleOAuthError("backend_error"), times: 10 });
    await expect(googleAccess(googleDeps(NOW), user.id)).rejects.toMatchObject({ name: "GoogleApiError" });
    await google.reset();
    expect((await connectionRow(user.id))?.refreshLeaseId).toBeNull();
    expect((await googleAccess(googleDeps(NOW), user.id)).accessToken).toMatch(/^ya29\./);
  });

  it("a user without a connection is not connected", async () => {
    const { user } = await createUser();
    await expect(googleAccess(googleDeps(NOW), user.id)).rejects.toMatchObject({ state: "missing" });
  });
});

describe("rotating the Google token key", () => {
  const hexKey = () => Array.from(crypto.getRandomValues(new Uint8Array(32)), (byte) => byte.toString(16).padStart(2, "0")).join("");
  const configWith = (vars: Record<string, string | undefined>) => loadConfig(envWith(vars));

  it("reads rows under the previous key, re-encrypts them under the new one, and then needs only the new key", async () => {
    // Versions 5 → 6 with keys of this test only: the other tests' rows (version 1) are unreadable
    // to this keyring and are left exactly as they are.
    const [oldKey, newKey] = [hexKey(), hexKey()];
    const { user, tokens } = await connectedUser(NOW);
    const before = await tokenKeyring(oldKey, { encryptionKeyVersion: 5 });
    await db
      .update(googleConnections)
      .set({
        refreshTokenCiphertext: (await encryptToken(before, user.id, "refresh_token", tokens.refreshToken)).ciphertext,
        accessTokenCiphertext: (await encryptToken(before, user.id, "access_token", tokens.accessToken)).ciphertext,
        keyVersion: 5,
      })
      .where(sql`${googleConnections.businessId} = ${user.id}::uuid`);
    const rotating = configWith({ GOOGLE_ENCRYPTION_KEY: newKey, GOOGLE_ENCRYPTION_KEY_VERSION: "6", GOOGLE_ENCRYPTION_KEY_PREVIOUS: oldKey });

    // During the rotation a row not yet moved is still read (with the previous key).
    expect((await googleAccess({ ...googleDeps(NOW), config: rotating, google: () => requireGoogleSettings(rotating) }, user.id)).accessToken).toBe(tokens.accessToken);

    const result = await reencryptGoogleTokens({ db, config: rotating }, { limit: 100_000 });
    expect(result.keyVersion).toBe(6);
    expect(result.reencrypted).toBeGreaterThanOrEqual(1);
    const row = await connectionRow(user.id);
    expect(row?.keyVersion).toBe(6);
    const after = await tokenKeyring(newKey, { encryptionKeyVersion: 6 });
    expect(await decryptToken(after, 6, user.id, "refresh_token", row?.refreshTokenCiphertext as string)).toBe(tokens.refreshToken);

    // The previous key can go: the row is read with the new key alone.
    const rotated = configWith({ GOOGLE_ENCRYPTION_KEY: newKey, GOOGLE_ENCRYPTION_KEY_VERSION: "6", GOOGLE_ENCRYPTION_KEY_PREVIOUS: undefined });
    expect((await googleAccess({ ...googleDeps(NOW), config: rotated, google: () => requireGoogleSettings(rotated) }, user.id)).accessToken).toBe(tokens.accessToken);
    // A second pass finds nothing of ours to move.
    const again = await reencryptGoogleTokens({ db, config: rotating }, { limit: 100_000 });
    expect(again.reencrypted).toBe(0);
  });
});
