import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { businesses, calls, phoneNumbers, users } from "../../../src/db/schema";
import { createVapiClient } from "../../../src/integrations/vapi/client";
import { updateProfile } from "../../../src/services/accounts/profile";
import { signUp } from "../../support/accounts";
import { failingWrites, recordingLogger } from "../../support/agents";
import { expectConsoleError } from "../../support/console-trap";
import { recordPurchase } from "../../support/credits";
import { db } from "../../support/db";
import { testEnv } from "../../support/env";
import { call, errorOf } from "../../support/http";
import { numberAtVapi, vapi } from "../../support/vapi";
import { createLine } from "../../support/vapi-webhook";
import { vapiError } from "../../support/vendor-errors";

async function ownerWithNumbers(count: number) {
  const account = await signUp();
  await recordPurchase(account.businessId);
  await call("/api/me", { method: "PATCH", cookie: account.cookie, json: { phone: "+14155550100" } });
  const numbers: { vapiPhoneNumberId: string }[] = [];
  for (let i = 0; i < count; i++) {
    const bought = await call("/api/phone-numbers", { method: "POST", cookie: account.cookie, json: { areaCode: "415" } });
    expect(bought.status).toBe(201);
    numbers.push(((await bought.json()) as { phoneNumber: { vapiPhoneNumberId: string } }).phoneNumber);
  }
  return { ...account, numbers };
}


/** +1 900 555 1234 (premium rate) and +1 876 (Jamaica behind +1) in every spelling an outsider might try. */
const PREMIUM_SPELLINGS = [
  "+1 900 555 1234", "+1-900-555-1234", "+1 (900) 555-1234", "001 900 555 1234", "0019005551234", "0119005551234", "9005551234", "(900) 555-1234",
  "\uFF0B\uFF11\uFF19\uFF10\uFF10\uFF15\uFF15\uFF15\uFF11\uFF12\uFF13\uFF14", "+\u0661\u0669\u0660\u0660\u0665\u0665\u0665\u0661\u0662\u0663\u0664",
  "+19005551234 ", " +19005551234\t", "tel:+19005551234", "+19005551234;ext=1", "+14155550123;ext=900", "+14155550123,900", "+1 876 555 0123", "+18765550123",
];

describe("the owner's phone is every number's fallback", () => {
  it("a new phone re-points each of the owner's numbers at Vapi", async () => {
    const owner = await ownerWithNumbers(2);
    for (const number of owner.numbers) {
      expect((await numberAtVapi(number.vapiPhoneNumberId))?.fallbackDestination).toMatchObject({ number: "+14155550100" });
    }
    const response = await call("/api/me", { method: "PATCH", cookie: owner.cookie, json: { phone: "+14155550199" } });
    expect(response.status).toBe(200);
    for (const number of owner.numbers) {
      expect((await numberAtVapi(number.vapiPhoneNumberId))?.fallbackDestination).toMatchObject({ type: "number", number: "+14155550199" });
    }
  });

  it("when Vapi refuses, the phone is unchanged everywhere and the owner is told why", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const owner = await ownerWithNumbers(2);
    const second = owner.numbers[1]!.vapiPhoneNumberId;
    await vapi.fault({ method: "PATCH", path: `/phone-number/${second}`, status: 400, body: vapiError(400, ["fallbackDestination.number must be a valid phone number"]) });
    const response = await call("/api/me", { method: "PATCH", cookie: owner.cookie, json: { phone: "+14155550177" } });
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error.code).toBe("vapi_error");
    expect(error.message).toContain("fallbackDestination.number must be a valid phone number");
    const me = (await (await call("/api/me", { cookie: owner.cookie })).json()) as { user: { phone: string } };
    expect(me.user.phone).toBe("+14155550100");
    for (const number of owner.numbers) {
      expect((await numberAtVapi(number.vapiPhoneNumberId))?.fallbackDestination).toMatchObject({ number: "+14155550100" });
    }
  });

  it("an owner without numbers changes the phone without calling Vapi", async () => {
    const account = await signUp();
    const mark = await vapi.mark();
    const response = await call("/api/me", { method: "PATCH", cookie: account.cookie, json: { phone: "+14155550123" } });
    expect(response.status).toBe(200);
    expect(await vapi.requests(mark)).toHaveLength(0);
  });
});

describe("the owner's phone passes the destination policy (issue 18 item 1)", () => {
  it("a premium-rate, international or Agentline number is refused with 400 naming the rule, and nothing changes", async () => {
    const owner = await ownerWithNumbers(1);
    const [ours] = await db.select().from(phoneNumbers).where(eq(phoneNumbers.businessId, owner.businessId));
    await db.update(phoneNumbers).set({ e164: "+12125550142" }).where(eq(phoneNumbers.id, ours!.id));
    const cases: [string, string][] = [
      ["+88213000000", "country_not_allowed"],
      ["+19005551234", "number_type_not_allowed"],
      ["+12125550142", "own_number"],
    ];
    for (const [phone, rule] of cases) {
      const mark = await vapi.mark();
      const response = await call("/api/me", { method: "PATCH", cookie: owner.cookie, json: { phone } });
      expect(response.status, phone).toBe(400);
      expect(await errorOf(response)).toMatchObject({ code: "destination_not_allowed", details: { field: "phone", rule }, message: expect.stringContaining(phone) });
      expect(await vapi.requests(mark)).toHaveLength(0);
    }
    const me = (await (await call("/api/me", { cookie: owner.cookie })).json()) as { user: { phone: string } };
    expect(me.user.phone).toBe("+14155550100");
  });
});

describe("PATCH /api/me: the owner's phone in other spellings", () => {
  it("the same premium or foreign number written any other way is a 400, Vapi is not asked, the phone is unchanged", async () => {
    const owner = await ownerWithNumbers(1);
    const mark = await vapi.mark();
    for (const phone of PREMIUM_SPELLINGS) {
      const response = await call("/api/me", { method: "PATCH", cookie: owner.cookie, json: { phone } });
      expect(response.status, JSON.stringify(phone)).toBe(400);
      expect(["validation_failed", "destination_not_allowed"]).toContain((await errorOf(response)).code);
    }
    expect(await vapi.requests(mark)).toHaveLength(0);
    const me = (await (await call("/api/me", { cookie: owner.cookie })).json()) as { user: { phone: string } };
    expect(me.user.phone).toBe("+14155550100");
  });
});

describe("PATCH /api/me is all or nothing", () => {
  it("a new phone with a bad name is refused before Vapi is touched (issue #10 item 7)", async () => {
    const owner = await ownerWithNumbers(1);
    const mark = await vapi.mark();
    const response = await call("/api/me", { method: "PATCH", cookie: owner.cookie, json: { phone: "+14155550166", name: "Dana\u0000" } });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/^name: /);
    expect(await vapi.requests(mark)).toHaveLength(0);
    expect((await numberAtVapi(owner.numbers[0]!.vapiPhoneNumberId))?.fallbackDestination).toMatchObject({ number: "+14155550100" });
  });

  it("when our write fails after Vapi moved, Vapi is put back on the phone our row holds", async () => {
    const owner = await ownerWithNumbers(2);
    const [user] = await db.select().from(users).where(eq(users.id, owner.user.id));
    const [business] = await db.select().from(businesses).where(eq(businesses.id, owner.businessId));
    const config = loadConfig(testEnv);
    const logger = recordingLogger();
    const deps = { db: failingWrites(db), config, logger, vapi: () => createVapiClient(config) };
    await expect(updateProfile(deps, user!, { business: business!, role: "owner" }, { phone: "+14155550155", name: "New Name" })).rejects.toThrow(/Failed query/);
    for (const number of owner.numbers) {
      expect((await numberAtVapi(number.vapiPhoneNumberId))?.fallbackDestination).toMatchObject({ number: "+14155550100" });
    }
    const [after] = await db.select().from(users).where(eq(users.id, owner.user.id));
    const [businessAfter] = await db.select().from(businesses).where(eq(businesses.id, owner.businessId));
    expect(businessAfter).toMatchObject({ phone: "+14155550100" });
    expect(after).toMatchObject({ name: "Dana Owner" });
    expect(logger.entries.filter((entry) => entry.level === "error")).toEqual([]);
  });
});

describe("GET /api/me setup: the checklist until everything is done (issue 21)", () => {
  type Setup = { setup: { steps: { key: string; done: boolean }[] } };
  const stepsOf = async (cookie: string) => Object.fromEntries(((await (await call("/api/me", { cookie })).json()) as Setup).setup.steps.map((step) => [step.key, step.done]));

  it("a new owner has every step open, in onboarding's order", async () => {
    const account = await signUp();
    const me = (await (await call("/api/me", { cookie: account.cookie })).json()) as Setup;
    expect(me.setup.steps).toEqual(["receptionist", "google", "credits", "number", "test_call"].map((key) => ({ key, done: false })));
  });

  it("a receptionist on a number with credits has those steps done; the test call is done once a call has ended", async () => {
    const { owner, phoneNumberId, agentId } = await createLine({ credits: 20 });
    expect(await stepsOf(owner.cookie)).toEqual({ receptionist: true, google: false, credits: true, number: true, test_call: false });
    await db.insert(calls).values({ businessId: owner.user.id, agentId, phoneNumberId, vapiCallId: `call-${crypto.randomUUID()}`, status: "ended" });
    expect((await stepsOf(owner.cookie)).test_call).toBe(true);
  });
});
