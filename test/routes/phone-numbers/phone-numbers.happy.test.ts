import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { appSettings, phoneNumbers } from "../../../src/db/schema";
import { CREDENTIAL_SETTING_KEY } from "../../../src/services/vapi/webhook-credential-id";
import { createAgentVia } from "../../support/agents";
import { db } from "../../support/db";
import { createPayingUser } from "../../support/factories";
import { call } from "../../support/http";
import { member, switchTo } from "../../support/membership";
import { numberAtVapi, vapi, vapiRequests } from "../../support/vapi";
import { createLine, deliver, vapiMessage } from "../../support/vapi-webhook";
import { vapiError } from "../../support/vendor-errors";

interface PhoneNumberJson {
  id: string;
  number: string | null;
  agentId: string | null;
  vapiPhoneNumberId: string;
  status: string;
  areaCode: string | null;
  createdAt: string;
  updatedAt: string;
}

async function buy(cookie: string, json: Record<string, unknown> = {}) {
  const response = await call("/api/phone-numbers", { method: "POST", cookie, json });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { phoneNumber: PhoneNumberJson }).phoneNumber;
}

async function credentialId() {
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, CREDENTIAL_SETTING_KEY));
  return row?.value;
}

describe("POST /api/phone-numbers", () => {
  it("buys a Vapi number with no assistantId, pointed at our webhook with our credential", async () => {
    const { cookie } = await createPayingUser();
    const mark = await vapi.mark();
    const number = await buy(cookie);

    const [sent] = await vapiRequests(mark, "POST", "/phone-number");
    const credential = await credentialId();
    expect(credential).toEqual(expect.any(String));
    expect(sent?.body).toEqual({
      provider: "vapi",
      // Vapi numbers have no metadata: the name says which environment bought it (ADR 0120).
      name: "[local] Agentline number",
      server: { url: "http://127.0.0.1:8787/api/webhooks/vapi", credentialId: credential },
    });
    expect(number).toEqual({
      id: expect.any(String),
      number: expect.stringMatching(/^\+1\d{10}$/),
      agentId: null,
      vapiPhoneNumberId: expect.any(String),
      status: "activating",
      areaCode: null,
      // NUMBER_PROVIDER=vapi (the default): a Vapi number, which cannot text.
      provider: "vapi",
      canText: false,
      forwarding: { verified: false, at: null, testing: null },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(await numberAtVapi(number.vapiPhoneNumberId)).toMatchObject({ number: number.number });
  });

  it("asks for the area code, and gives the number the owner's phone as fallback destination", async () => {
    const { cookie } = await createPayingUser({ phone: "+15125550142" });
    const mark = await vapi.mark();
    const number = await buy(cookie, { areaCode: "415" });
    const [sent] = await vapiRequests(mark, "POST", "/phone-number");
    expect(sent?.body).toMatchObject({
      provider: "vapi",
      numberDesiredAreaCode: "415",
      fallbackDestination: { type: "number", number: "+15125550142" },
    });
    expect(sent?.body).not.toHaveProperty("assistantId");
    expect(number.number).toMatch(/^\+1415\d{7}$/);
    expect(number.areaCode).toBe("415");
  });

  it("an owner's phone that no longer passes the destination policy is not given to Vapi as fallback", async () => {
    // Saved before the policy existed: a premium-rate number.
    const { cookie } = await createPayingUser({ phone: "+19005551234" });
    const mark = await vapi.mark();
    await buy(cookie);
    const [sent] = await vapiRequests(mark, "POST", "/phone-number");
    expect(sent?.body).not.toHaveProperty("fallbackDestination");
  });

  it("can assign the new number to an agent at once, still without an assistantId at Vapi", async () => {
    const { cookie } = await createPayingUser();
    const agent = await createAgentVia(cookie);
    const mark = await vapi.mark();
    const number = await buy(cookie, { agentId: agent.id });
    expect(number.agentId).toBe(agent.id);
    const [sent] = await vapiRequests(mark, "POST", "/phone-number");
    expect(sent?.body).not.toHaveProperty("assistantId");
  });
});

describe("GET /api/phone-numbers", () => {
  it("lists the user's numbers with Vapi's current status, refreshing those still activating", async () => {
    const { cookie } = await createPayingUser();
    const first = await buy(cookie);
    const second = await buy(cookie);
    const mark = await vapi.mark();
    const response = await call("/api/phone-numbers", { cookie });
    expect(response.status).toBe(200);
    const { phoneNumbers: listed } = (await response.json()) as { phoneNumbers: PhoneNumberJson[] };
    expect(listed.map((n) => [n.id, n.status])).toEqual([
      [first.id, "active"],
      [second.id, "active"],
    ]);
    expect(await vapiRequests(mark, "GET", "/phone-number/")).toHaveLength(2);
    const [row] = await db.select().from(phoneNumbers).where(eq(phoneNumbers.id, first.id));
    expect(row?.status).toBe("active");

    // Active numbers are not asked about again.
    const again = await vapi.mark();
    await call("/api/phone-numbers", { cookie });
    expect(await vapiRequests(again)).toHaveLength(0);
  });

  it("shows a blocked number as Vapi reports it", async () => {
    const { cookie } = await createPayingUser();
    const number = await buy(cookie);
    await vapi.fault({
      method: "GET",
      path: `/phone-number/${number.vapiPhoneNumberId}`,
      status: 200,
      body: { id: number.vapiPhoneNumberId, orgId: "org", provider: "vapi", number: number.number, status: "blocked", createdAt: number.createdAt, updatedAt: number.updatedAt },
    });
    const response = await call(`/api/phone-numbers/${number.id}`, { cookie });
    expect(((await response.json()) as { phoneNumber: PhoneNumberJson }).phoneNumber.status).toBe("blocked");
  });
});

describe("PATCH /api/phone-numbers/:id", () => {
  it("assigns, re-assigns and unassigns in our row only", async () => {
    const { cookie } = await createPayingUser();
    const front = await createAgentVia(cookie, { name: "Front desk" });
    const night = await createAgentVia(cookie, { name: "Night line" });
    const number = await buy(cookie);
    const mark = await vapi.mark();

    const steps: [string | null, string | null][] = [
      [front.id, front.id],
      [night.id, night.id],
      [null, null],
    ];
    for (const [agentId, expected] of steps) {
      const response = await call(`/api/phone-numbers/${number.id}`, { method: "PATCH", cookie, json: { agentId } });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { phoneNumber: PhoneNumberJson }).phoneNumber.agentId).toBe(expected);
      const [row] = await db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number.id));
      expect(row?.agentId).toBe(expected);
    }
    expect(await vapiRequests(mark, "PATCH")).toHaveLength(0);
    expect((await numberAtVapi(number.vapiPhoneNumberId))?.assistantId).toBeUndefined();
  });
});

describe("DELETE /api/phone-numbers/:id", () => {
  it("releases the number at Vapi and forgets it", async () => {
    const { cookie } = await createPayingUser();
    const number = await buy(cookie);
    const mark = await vapi.mark();
    const response = await call(`/api/phone-numbers/${number.id}`, { method: "DELETE", cookie });
    expect(response.status).toBe(204);
    expect(await vapiRequests(mark, "DELETE", `/phone-number/${number.vapiPhoneNumberId}`)).toHaveLength(1);
    expect(await numberAtVapi(number.vapiPhoneNumberId)).toBeUndefined();
    expect(await (await call("/api/phone-numbers", { cookie })).json()).toEqual({ phoneNumbers: [], nextCursor: null });
  });

  it("counts a number Vapi no longer has as released", async () => {
    const { cookie } = await createPayingUser();
    const number = await buy(cookie);
    await vapi.fault({ method: "DELETE", path: `/phone-number/${number.vapiPhoneNumberId}`, status: 404, body: vapiError(404, "Not Found") });
    const response = await call(`/api/phone-numbers/${number.id}`, { method: "DELETE", cookie });
    expect(response.status).toBe(204);
    expect(await db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number.id))).toEqual([]);
  });
});

describe("POST /api/phone-numbers/forwarding-test: keep your existing number (issue 21)", () => {
  type Listed = { phoneNumbers: { id: string; forwarding: { verified: boolean; at: string | null; testing: { from: string; until: string } | null } }[] };
  const forwardingOf = async (cookie: string) => ((await (await call("/api/phone-numbers", { cookie })).json()) as Listed).phoneNumbers[0]?.forwarding;
  const startTest = (cookie: string, json: unknown) => call("/api/phone-numbers/forwarding-test", { method: "POST", cookie, json });
  const ring = async (line: Parameters<typeof vapiMessage>[1]) => {
    await deliver(vapiMessage("assistant-request", line));
    await deliver(vapiMessage("status-update", line));
  };

  it("the next call from that phone marks the number verified; a call from another phone does not", async () => {
    const { owner, phoneNumberId, newCall } = await createLine({ credits: 50 });
    await member(owner.user.id);
    expect(await forwardingOf(owner.cookie)).toEqual({ verified: false, at: null, testing: null });
    const started = await startTest(owner.cookie, { numberId: phoneNumberId, from: "+15125550111" });
    expect(started.status).toBe(202);
    expect(await forwardingOf(owner.cookie)).toEqual({ verified: false, at: null, testing: { from: "+15125550111", until: expect.any(String) } });
    await ring({ ...newCall(), customer: "+15125550999" });
    expect((await forwardingOf(owner.cookie))?.verified).toBe(false);
    await ring({ ...newCall(), customer: "+15125550111" });
    expect(await forwardingOf(owner.cookie)).toEqual({ verified: true, at: expect.any(String), testing: null });
  });

  it("a call after the 10 minutes verifies nothing; bad input is a 400, another's number a 404, staff a 403", async () => {
    const { owner, phoneNumberId, newCall } = await createLine({ credits: 50 });
    await member(owner.user.id);
    await startTest(owner.cookie, { numberId: phoneNumberId, from: "+15125550111" });
    await db.update(phoneNumbers).set({ forwardingTestUntil: new Date(Date.now() - 1000) }).where(eq(phoneNumbers.businessId, owner.user.id));
    await ring({ ...newCall(), customer: "+15125550111" });
    expect((await forwardingOf(owner.cookie))?.verified).toBe(false);
    for (const body of [{ numberId: phoneNumberId, from: "5125550111" }, { numberId: "nope", from: "+15125550111" }, { numberId: phoneNumberId }]) {
      expect((await startTest(owner.cookie, body)).status, JSON.stringify(body)).toBe(400);
    }
    const stranger = await createPayingUser();
    await member(stranger.user.id);
    expect((await startTest(stranger.cookie, { numberId: phoneNumberId, from: "+15125550111" })).status).toBe(404);
    const staff = await createPayingUser();
    await member(staff.user.id, "staff", owner.user.id);
    await switchTo(staff.cookie, owner.user.id);
    expect((await startTest(staff.cookie, { numberId: phoneNumberId, from: "+15125550111" })).status).toBe(403);
  });
});
