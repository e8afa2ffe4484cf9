/**
 * NUMBER_PROVIDER=twilio (docs/architecture.md §7b): a number is bought at Twilio and imported
 * into Vapi, and released at both; each step that fails undoes the ones before it, so neither
 * side keeps a number we do not know about.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { phoneNumbers } from "../../../src/db/schema";
import { runScheduled } from "../../../src/scheduled";
import { expectConsoleError } from "../../support/console-trap";
import { db } from "../../support/db";
import { envWith } from "../../support/env";
import { createPayingUser } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { twilio, twilioState } from "../../support/twilio";
import { vapi, vapiState } from "../../support/vapi";
import { vapiError } from "../../support/vendor-errors";

const env = envWith({ NUMBER_PROVIDER: "twilio" });
const buy = (cookie: string, areaCode: string) => call("/api/phone-numbers", { method: "POST", cookie, json: { areaCode }, env });
const rowsOf = (userId: string) => db.select().from(phoneNumbers).where(eq(phoneNumbers.businessId, userId));
const twilioNumbersIn = async (areaCode: string) => (await twilioState()).numbers.filter((number) => number.phone_number.startsWith(`+1${areaCode}`));
// Only numbers imported from Twilio: other files' Vapi numbers may share the area code.
const vapiNumbersIn = async (areaCode: string) => (await vapiState()).phoneNumbers.filter((number) => number.provider === "twilio" && number.number?.startsWith(`+1${areaCode}`));

describe("phone numbers bought at Twilio", () => {
  it("searches and buys at Twilio with our SMS webhook, imports into Vapi, and releases both on delete", async () => {
    const { cookie, user } = await createPayingUser();
    const twilioMark = await twilio.mark();
    const vapiMark = await vapi.mark();
    const response = await buy(cookie, "628");
    expect(response.status).toBe(201);
    const { phoneNumber } = (await response.json()) as { phoneNumber: { id: string; number: string; provider: string; canText: boolean; vapiPhoneNumberId: string } };
    expect(phoneNumber).toMatchObject({ provider: "twilio", canText: true });
    expect(phoneNumber.number).toMatch(/^\+1628\d{7}$/);

    const sent = await twilio.requests(twilioMark);
    const search = sent.find((request) => request.method === "GET" && request.path.endsWith("/AvailablePhoneNumbers/US/Local.json"));
    expect(search?.query).toMatchObject({ AreaCode: "628", SmsEnabled: "true", VoiceEnabled: "true" });
    const purchase = sent.find((request) => request.method === "POST" && request.path.endsWith("/IncomingPhoneNumbers.json"));
    expect(purchase?.body).toMatchObject({ PhoneNumber: phoneNumber.number, SmsUrl: "http://127.0.0.1:8787/api/webhooks/twilio", SmsMethod: "POST" });
    expect(purchase?.headers["content-type"]).toContain("application/x-www-form-urlencoded");

    const imported = (await vapi.requests(vapiMark)).find((request) => request.method === "POST" && request.path === "/phone-number");
    expect(imported?.body).toMatchObject({ provider: "twilio", number: phoneNumber.number, smsEnabled: false });
    expect((imported?.body as { twilioAccountSid?: string } | undefined)?.twilioAccountSid).toMatch(/^AC/);

    const [row] = await rowsOf(user.id);
    expect(row).toMatchObject({ provider: "twilio", e164: phoneNumber.number });
    expect(row?.twilioSid).toMatch(/^PN/);
    expect(await twilioNumbersIn("628")).toHaveLength(1);

    expect((await call(`/api/phone-numbers/${phoneNumber.id}`, { method: "DELETE", cookie, env })).status).toBe(204);
    expect(await twilioNumbersIn("628")).toEqual([]);
    expect(await vapiNumbersIn("628")).toEqual([]);
    expect(await rowsOf(user.id)).toEqual([]);
  });

  it("deleting the business releases its Twilio number at Twilio as well as at Vapi: nothing left that we pay for", async () => {
    const { cookie, user } = await createPayingUser();
    expect((await buy(cookie, "629")).status).toBe(201);
    expect(await twilioNumbersIn("629")).toHaveLength(1);
    const { business } = (await (await call("/api/business", { cookie })).json()) as { business: { name: string } };
    // The queue refuses the job's message: the Cron Trigger's next run finishes the deletion.
    const failingQueue = { send: async () => Promise.reject(new Error("queue unavailable")), sendBatch: async () => undefined } as unknown as Queue;
    const deleted = await call("/api/business", { method: "DELETE", cookie, json: { confirm: business.name }, env: { ...env, SIDE_EFFECTS: failingQueue } });
    expect(deleted.status).toBe(202);
    const scheduled = await runScheduled({ cron: "17 * * * *", scheduledTime: Date.now() + 1000 }, env);
    expect(scheduled?.deletions).toEqual(expect.arrayContaining([{ businessId: user.id, outcome: "completed" }]));
    expect(await twilioNumbersIn("629")).toEqual([]);
    expect(await vapiNumbersIn("629")).toEqual([]);
  });

  it("a failed Twilio search buys nothing anywhere", async () => {
    expectConsoleError(/upstream_error/);
    const { cookie, user } = await createPayingUser();
    await twilio.fault({ method: "GET", path: "/2010-04-01/Accounts/", status: 503, body: { code: 20500, message: "Internal Server Error", more_info: "https://www.twilio.com/docs/errors/20500", status: 503 } });
    const vapiMark = await vapi.mark();
    const response = await buy(cookie, "629");
    expect(response.status).toBe(502);
    expect((await errorOf(response)).code).toBe("upstream_error");
    expect((await vapi.requests(vapiMark)).filter((request) => request.path === "/phone-number")).toEqual([]);
    expect(await twilioNumbersIn("629")).toEqual([]);
    expect(await rowsOf(user.id)).toEqual([]);
  });

  it("a refused Twilio purchase imports nothing into Vapi", async () => {
    expectConsoleError(/upstream_error/);
    const { cookie, user } = await createPayingUser();
    // The only POST to Twilio in a purchase is the purchase itself (the search is a GET).
    await twilio.fault({ method: "POST", path: "/2010-04-01/Accounts/", status: 400, body: { code: 21422, message: "PhoneNumber requested is not available", more_info: "https://www.twilio.com/docs/errors/21422", status: 400 } });
    const vapiMark = await vapi.mark();
    const response = await buy(cookie, "630");
    expect(response.status).toBe(502);
    expect((await errorOf(response)).message).toContain("PhoneNumber requested is not available");
    expect((await vapi.requests(vapiMark)).filter((request) => request.path === "/phone-number")).toEqual([]);
    expect(await twilioNumbersIn("630")).toEqual([]);
    expect(await rowsOf(user.id)).toEqual([]);
  });

  it("a failed import into Vapi releases the number bought at Twilio", async () => {
    expectConsoleError(/vapi_error/);
    const { cookie, user } = await createPayingUser();
    await vapi.fault({ method: "POST", path: "/phone-number", bodyIncludes: '"twilio"', status: 400, body: vapiError(400, "Twilio credentials are invalid") });
    const twilioMark = await twilio.mark();
    const response = await buy(cookie, "631");
    expect(response.status).toBe(502);
    const sent = await twilio.requests(twilioMark);
    expect(sent.filter((request) => request.method === "POST" && request.path.endsWith("/IncomingPhoneNumbers.json"))).toHaveLength(1);
    expect(sent.filter((request) => request.method === "DELETE")).toHaveLength(1);
    expect(await twilioNumbersIn("631")).toEqual([]);
    expect(await vapiNumbersIn("631")).toEqual([]);
    expect(await rowsOf(user.id)).toEqual([]);
  });

  it("a Twilio release that fails keeps the row for a retry, which finishes it", async () => {
    expectConsoleError(/upstream_error/);
    const { cookie, user } = await createPayingUser();
    const bought = (await (await buy(cookie, "632")).json()) as { phoneNumber: { id: string } };
    await twilio.fault({ method: "DELETE", status: 500, body: { code: 20500, message: "Internal Server Error", more_info: "https://www.twilio.com/docs/errors/20500", status: 500 } });
    const failed = await call(`/api/phone-numbers/${bought.phoneNumber.id}`, { method: "DELETE", cookie, env });
    expect(failed.status).toBe(502);
    expect(await rowsOf(user.id)).toHaveLength(1);
    expect(await twilioNumbersIn("632")).toHaveLength(1);
    expect((await call(`/api/phone-numbers/${bought.phoneNumber.id}`, { method: "DELETE", cookie, env })).status).toBe(204);
    expect(await twilioNumbersIn("632")).toEqual([]);
    expect(await vapiNumbersIn("632")).toEqual([]);
    expect(await rowsOf(user.id)).toEqual([]);
  });

  it("a purchase may ask for a number that texts while NUMBER_PROVIDER stays vapi; without Twilio's keys that is a 503", async () => {
    expectConsoleError(/service_not_configured/);
    const { cookie, user } = await createPayingUser();
    const asked = await call("/api/phone-numbers", { method: "POST", cookie, json: { areaCode: "633", provider: "twilio" } });
    expect(asked.status).toBe(201);
    expect(((await asked.json()) as { phoneNumber: unknown }).phoneNumber).toMatchObject({ provider: "twilio", canText: true });
    expect(await twilioNumbersIn("633")).toHaveLength(1);
    const vapiOne = await call("/api/phone-numbers", { method: "POST", cookie, json: { areaCode: "633" } });
    expect(((await vapiOne.json()) as { phoneNumber: unknown }).phoneNumber).toMatchObject({ provider: "vapi", canText: false });

    const unkeyed = envWith({ TWILIO_ACCOUNT_SID: undefined, TWILIO_AUTH_TOKEN: undefined });
    const refused = await call("/api/phone-numbers", { method: "POST", cookie, json: { areaCode: "634", provider: "twilio" }, env: unkeyed });
    expect(refused.status).toBe(503);
    expect((await errorOf(refused)).code).toBe("service_not_configured");
    const bad = await call("/api/phone-numbers", { method: "POST", cookie, json: { provider: "telnyx" } });
    expect(bad.status).toBe(400);
    expect(await rowsOf(user.id)).toHaveLength(2);
  });
});
