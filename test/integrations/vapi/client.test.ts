import { VapiError, VapiTimeoutError } from "@vapi-ai/server-sdk";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { appSettings } from "../../../src/db/schema";
import { createVapiClient, isVapiNotFound, vapiFailure } from "../../../src/integrations/vapi/client";
import { CREDENTIAL_SETTING_KEY, webhookCredentialId } from "../../../src/services/vapi/webhook-credential-id";
import { db } from "../../support/db";
import { envWith, testEnv } from "../../support/env";
import { vapi, vapiRequests } from "../../support/vapi";
import { vapiError } from "../../support/vendor-errors";

const config = loadConfig(testEnv);

describe("the Vapi client", () => {
  it("talks to VAPI_BASE_URL with the bearer key, and Vapi's 401 for a wrong key becomes vapi_error", async () => {
    const client = createVapiClient({ ...config, VAPI_API_KEY: "wrong-key" });
    const failure = await client.assistants.list().then(
      () => undefined,
      (error: unknown) => vapiFailure(error, "list assistants"),
    );
    expect(failure).toMatchObject({ code: "vapi_error", status: 502 });
    expect(failure?.message).toContain("Vapi refused to list assistants: Invalid Key");
  });

  it("is not made without a key", () => {
    expect(() => createVapiClient({ ...config, VAPI_API_KEY: undefined })).toThrow(/VAPI_API_KEY/);
  });

  it("turns timeouts, 5xx and unreachable hosts into clear vapi_error messages", () => {
    expect(vapiFailure(new VapiTimeoutError("Timeout exceeded"), "update the assistant").message).toContain("did not answer in time");
    expect(vapiFailure(new VapiError({ statusCode: 500, body: { message: "Internal server error" } }), "create the assistant").message).toBe(
      "Vapi failed to create the assistant: Internal server error",
    );
    expect(vapiFailure(new VapiError({ message: "fetch failed" }), "release the phone number").message).toContain("Could not reach Vapi");
    expect(isVapiNotFound(new VapiError({ statusCode: 404, body: {} }))).toBe(true);
    expect(isVapiNotFound(new VapiError({ statusCode: 400, body: {} }))).toBe(false);
  });
});

describe("webhookCredentialId", () => {
  it("creates the credential once even when two first uses race, and both get the stored id", async () => {
    await db.delete(appSettings).where(eq(appSettings.key, CREDENTIAL_SETTING_KEY));
    const client = createVapiClient(config);
    const mark = await vapi.mark();
    const [a, b] = await Promise.all([webhookCredentialId(db, client, config), webhookCredentialId(db, client, config)]);
    expect(a).toBe(b);
    const [stored] = await db.select().from(appSettings).where(eq(appSettings.key, CREDENTIAL_SETTING_KEY));
    expect(stored?.value).toBe(a);
    expect((await vapiRequests(mark, "POST", "/credential")).length).toBeGreaterThanOrEqual(1);
    // Later uses read the stored id and create nothing.
    const later = await vapi.mark();
    expect(await webhookCredentialId(db, client, config)).toBe(a);
    expect(await vapiRequests(later)).toHaveLength(0);
  });

  it("passes on Vapi's refusal to create it", async () => {
    await db.delete(appSettings).where(eq(appSettings.key, CREDENTIAL_SETTING_KEY));
    await vapi.fault({ method: "POST", path: "/credential", status: 400, body: vapiError(400, ["authenticationPlan.secretKey should not be empty"]) });
    const local = loadConfig(envWith({}));
    await expect(webhookCredentialId(db, createVapiClient(local), local)).rejects.toMatchObject({
      code: "vapi_error",
      message: expect.stringContaining("authenticationPlan.secretKey should not be empty"),
    });
    expect(await db.select().from(appSettings).where(eq(appSettings.key, CREDENTIAL_SETTING_KEY))).toEqual([]);
  });
});

describe("the Vapi stand-in answers as Vapi does", () => {
  it("a created assistant carries the server's defaults, read back through the SDK", async () => {
    const client = createVapiClient(config);
    const created = await client.assistants.create({ name: "Defaults", firstMessage: "Hello!" });
    expect(created).toMatchObject({
      name: "Defaults",
      firstMessage: "Hello!",
      firstMessageMode: "assistant-speaks-first",
      maxDurationSeconds: 600,
      serverMessages: expect.arrayContaining(["end-of-call-report", "tool-calls", "status-update"]),
      clientMessages: expect.arrayContaining(["transcript"]),
      orgId: expect.any(String),
    });
    expect(created.serverMessages).not.toContain("transcript");
    // What the request names wins over a default.
    const chosen = await client.assistants.create({ name: "Chosen", maxDurationSeconds: 120, serverMessages: ["end-of-call-report"] });
    expect(chosen).toMatchObject({ maxDurationSeconds: 120, serverMessages: ["end-of-call-report"] });
    expect(await client.assistants.get({ id: chosen.id })).toMatchObject({ id: chosen.id, maxDurationSeconds: 120 });
  });

  it("the webhook credential's answers never echo the secret and carry authenticationSession", async () => {
    await db.delete(appSettings).where(eq(appSettings.key, CREDENTIAL_SETTING_KEY));
    const client = createVapiClient(config);
    const mark = await vapi.mark();
    const id = await webhookCredentialId(db, client, config);
    const [sent] = await vapiRequests(mark, "POST", "/credential");
    expect((sent?.body as { authenticationPlan: { secretKey: string } } | undefined)?.authenticationPlan.secretKey).toBe(config.VAPI_WEBHOOK_SECRET);
    for (const path of ["credential", `credential/${id}`]) {
      const response = await client.fetch(path, { method: "GET" });
      const text = await response.text();
      expect(text).not.toContain(String(config.VAPI_WEBHOOK_SECRET));
      const body = JSON.parse(text) as unknown;
      const credential = (Array.isArray(body) ? body.find((c: { id: string }) => c.id === id) : body) as { authenticationPlan: Record<string, unknown> };
      expect(credential).toMatchObject({ id, provider: "webhook", authenticationSession: {}, authenticationPlan: { type: "hmac", algorithm: "sha256" } });
      expect(credential.authenticationPlan).not.toHaveProperty("secretKey");
    }
  });
});
