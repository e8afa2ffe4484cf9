import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { phoneNumbers } from "../../../src/db/schema";
import { createVapiClient } from "../../../src/integrations/vapi/client";
import { buyPhoneNumber } from "../../../src/services/phone-numbers";
import { databaseError, failingWrites, recordingLogger } from "../../support/agents";
import { expectConsoleError } from "../../support/console-trap";
import { recordPaymentFacts } from "../../support/credits";
import { db } from "../../support/db";
import { envWith } from "../../support/env";
import { createPayingUser, createUserWithCredits } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { numberAtVapi, vapi, vapiRequests, vapiState } from "../../support/vapi";
import { vapiError } from "../../support/vendor-errors";

async function rows(businessId: string) {
  return db.select().from(phoneNumbers).where(eq(phoneNumbers.businessId, businessId));
}

describe("buying a number", () => {
  it("an account that never completed a purchase cannot buy one: 402, and Vapi is never asked (issue 18 item 1)", async () => {
    // Credits granted by an adjustment are not a purchase: 8 parallel attempts, not one number.
    const { user, cookie } = await createUserWithCredits(50);
    const mark = await vapi.mark();
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call("/api/phone-numbers", { method: "POST", cookie, json: { areaCode: i % 2 ? "201" : "409" } })),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(8).fill(402));
    const error = await errorOf(responses[0]!);
    expect(error).toMatchObject({ code: "payment_required", details: { reason: "no_completed_purchase" } });
    expect(error.message).toMatch(/Buy a credit pack/);
    expect(await vapiRequests(mark, "POST", "/phone-number")).toHaveLength(0);
    expect(await rows(user.id)).toEqual([]);
  });

  it("a purchase refunded in full or charged back is no payment: 402; a partial refund, a failed refund or a won dispute still counts (ADR 0420)", async () => {
    const mark = await vapi.mark();
    for (const facts of [{ refunded: 1000 }, { dispute: "needs_response" }, { dispute: "lost" }, { refunded: 200, dispute: "under_review" }]) {
      const { user, cookie } = await createPayingUser();
      await recordPaymentFacts(user.id, facts);
      const response = await call("/api/phone-numbers", { method: "POST", cookie, json: { areaCode: "201" } });
      expect(response.status, JSON.stringify(facts)).toBe(402);
      expect(await rows(user.id)).toEqual([]);
    }
    expect(await vapiRequests(mark, "POST", "/phone-number")).toHaveLength(0);
    for (const facts of [{ refunded: 400 }, { refunded: 1000, failed: 1000 }, { dispute: "won" }]) {
      const { cookie, user } = await createPayingUser();
      await recordPaymentFacts(user.id, facts);
      const response = await call("/api/phone-numbers", { method: "POST", cookie, json: { areaCode: "201" } });
      expect(response.status, JSON.stringify(facts)).toBe(201);
    }
  });

  for (const areaCode of ["41", "4155", "015", "abc"]) {
    it(`refuses area code ${JSON.stringify(areaCode)}, saying numbers are US only`, async () => {
      const { cookie } = await createPayingUser();
      const mark = await vapi.mark();
      const response = await call("/api/phone-numbers", { method: "POST", cookie, json: { areaCode } });
      expect(response.status).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe("validation_failed");
      expect(error.message).toContain("3-digit US area code");
      expect(error.message).toContain("US only");
      expect(await vapiRequests(mark)).toHaveLength(0);
    });
  }

  it("passes on Vapi's refusal as 502 vapi_error and stores nothing", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const { user, cookie } = await createPayingUser();
    // The stand-in, like Vapi, has no numbers in 555.
    const response = await call("/api/phone-numbers", { method: "POST", cookie, json: { areaCode: "555" } });
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error.code).toBe("vapi_error");
    expect(error.message).toContain("No phone numbers are available for area code 555");
    expect(await rows(user.id)).toEqual([]);
  });

  it("releases the number again when our database cannot record it", async () => {
    const { user } = await createPayingUser();
    const config = loadConfig(envWith({ VAPI_CREDENTIAL_ID: "cred-db-failure" }));
    const before = (await vapiState()).phoneNumbers.length;
    const mark = await vapi.mark();
    // Recording the number fails; giving its reserved slot back (a delete) still works.
    const deps = { db: failingWrites(db, databaseError(), ["update"]), config, logger: recordingLogger(), vapi: () => createVapiClient(config) };
    await expect(buyPhoneNumber(deps, user, {})).rejects.toMatchObject({ code: "internal_error", message: expect.stringContaining("released again") });
    expect(await vapiRequests(mark, "POST", "/phone-number")).toHaveLength(1);
    const released = await vapiRequests(mark, "DELETE", "/phone-number/");
    expect(released).toHaveLength(1);
    expect(await numberAtVapi(released[0]?.path.split("/").pop() ?? "")).toBeUndefined();
    expect((await vapiState()).phoneNumbers).toHaveLength(before);
    expect(await rows(user.id)).toEqual([]);
  });

  it("without VAPI_API_KEY is 503 service_not_configured", async () => {
    expectConsoleError(/"code":"service_not_configured"/);
    const { cookie } = await createPayingUser();
    const response = await call("/api/phone-numbers", { method: "POST", cookie, json: {}, env: envWith({ VAPI_API_KEY: undefined }) });
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe("service_not_configured");
  });
});

describe("releasing a number", () => {
  it("keeps the number when Vapi fails to release it", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const { user, cookie } = await createPayingUser();
    const bought = await call("/api/phone-numbers", { method: "POST", cookie, json: {} });
    const { phoneNumber } = (await bought.json()) as { phoneNumber: { id: string; vapiPhoneNumberId: string } };
    await vapi.fault({ method: "DELETE", path: "/phone-number/", status: 500, times: 2, body: vapiError(500, "Internal server error") });
    const response = await call(`/api/phone-numbers/${phoneNumber.id}`, { method: "DELETE", cookie });
    expect(response.status).toBe(502);
    expect((await errorOf(response)).message).toContain("release the phone number");
    expect(await rows(user.id)).toHaveLength(1);
    expect(await numberAtVapi(phoneNumber.vapiPhoneNumberId)).toBeDefined();
  });
});

describe("listing numbers", () => {
  it("shows the stored status when Vapi cannot be asked", async () => {
    const { cookie } = await createPayingUser();
    await call("/api/phone-numbers", { method: "POST", cookie, json: {} });
    await vapi.fault({ method: "GET", path: "/phone-number/", status: 500, times: 2, body: vapiError(500, "down") });
    const response = await call("/api/phone-numbers", { cookie });
    expect(response.status).toBe(200);
    const { phoneNumbers: listed } = (await response.json()) as { phoneNumbers: { status: string }[] };
    expect(listed.map((n) => n.status)).toEqual(["activating"]);
  });

  it("validates the assignment body", async () => {
    const { cookie } = await createPayingUser();
    const response = await call(`/api/phone-numbers/${crypto.randomUUID()}`, { method: "PATCH", cookie, json: { agentId: "agent-1" } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).details).toEqual([expect.objectContaining({ path: "agentId" })]);
  });
});
