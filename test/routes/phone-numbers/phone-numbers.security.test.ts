import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { phoneNumbers } from "../../../src/db/schema";
import { createAgentVia } from "../../support/agents";
import { db } from "../../support/db";
import { createPayingUser } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { numberAtVapi, vapi, vapiRequests } from "../../support/vapi";

async function buy(cookie: string) {
  const response = await call("/api/phone-numbers", { method: "POST", cookie, json: {} });
  expect(response.status).toBe(201);
  return ((await response.json()) as { phoneNumber: { id: string; vapiPhoneNumberId: string } }).phoneNumber;
}

describe("another user's number", () => {
  it("cannot be read, assigned or released: 404, and Vapi is never asked", async () => {
    const owner = await createPayingUser();
    const intruder = await createPayingUser();
    const number = await buy(owner.cookie);
    const intruderAgent = await createAgentVia(intruder.cookie);
    const mark = await vapi.mark();

    const responses = [
      await call(`/api/phone-numbers/${number.id}`, { cookie: intruder.cookie }),
      await call(`/api/phone-numbers/${number.id}`, { method: "PATCH", cookie: intruder.cookie, json: { agentId: intruderAgent.id } }),
      await call(`/api/phone-numbers/${number.id}`, { method: "DELETE", cookie: intruder.cookie }),
    ];
    for (const response of responses) {
      expect(response.status).toBe(404);
      expect((await errorOf(response)).code).toBe("not_found");
    }
    expect(await vapiRequests(mark)).toHaveLength(0);
    const [row] = await db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number.id));
    expect(row?.agentId).toBeNull();
    expect(await numberAtVapi(number.vapiPhoneNumberId)).toBeDefined();
    expect(await (await call("/api/phone-numbers", { cookie: intruder.cookie })).json()).toEqual({ phoneNumbers: [], nextCursor: null });
  });

  it("an own number cannot be given another user's agent", async () => {
    const owner = await createPayingUser();
    const other = await createPayingUser();
    const number = await buy(owner.cookie);
    const foreignAgent = await createAgentVia(other.cookie);
    const response = await call(`/api/phone-numbers/${number.id}`, { method: "PATCH", cookie: owner.cookie, json: { agentId: foreignAgent.id } });
    expect(response.status).toBe(404);
    expect((await errorOf(response)).message).toBe("No such agent.");
    const [row] = await db.select().from(phoneNumbers).where(eq(phoneNumbers.id, number.id));
    expect(row?.agentId).toBeNull();
  });

  it("a number cannot be bought for another user's agent, and nothing is bought", async () => {
    const owner = await createPayingUser();
    const other = await createPayingUser();
    const foreignAgent = await createAgentVia(other.cookie);
    const mark = await vapi.mark();
    const response = await call("/api/phone-numbers", { method: "POST", cookie: owner.cookie, json: { agentId: foreignAgent.id } });
    expect(response.status).toBe(404);
    expect(await vapiRequests(mark)).toHaveLength(0);
    expect(await db.select().from(phoneNumbers).where(eq(phoneNumbers.businessId, owner.user.id))).toEqual([]);
  });
});

describe("authentication", () => {
  it("every phone-number route needs a session", async () => {
    const id = crypto.randomUUID();
    const responses = [
      await call("/api/phone-numbers"),
      await call("/api/phone-numbers", { method: "POST", json: {} }),
      await call(`/api/phone-numbers/${id}`),
      await call(`/api/phone-numbers/${id}`, { method: "PATCH", json: { agentId: null } }),
      await call(`/api/phone-numbers/${id}`, { method: "DELETE" }),
    ];
    for (const response of responses) expect(response.status).toBe(401);
  });
});
