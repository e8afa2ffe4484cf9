/**
 * The per-account cap holds strictly under parallel purchases (issue #10 item 5): a purchase
 * reserves its slot (advisory lock + placeholder row) before buying at Vapi, so purchases in
 * flight cannot all pass the same count. Reservations never show and never outlive a failure.
 */
import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { phoneNumbers } from "../../../src/db/schema";
import { PENDING_STATUS, reservePhoneNumberSlot } from "../../../src/services/phone-numbers/cap";
import { expectConsoleError } from "../../support/console-trap";
import { db } from "../../support/db";
import { envWith } from "../../support/env";
import { createPayingUser } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { vapi, vapiRequests } from "../../support/vapi";
import { vapiError } from "../../support/vendor-errors";

const CAP_MESSAGE = "This account already has 3 phone numbers, the most it can hold. Release one (DELETE /api/phone-numbers/:id) before buying another.";

const buy = (cookie: string, areaCode: string, env = envWith({ PHONE_NUMBERS_PER_ACCOUNT: "3" })) =>
  call("/api/phone-numbers", { method: "POST", cookie, json: { areaCode }, env });

const rowsOf = (businessId: string) => db.select().from(phoneNumbers).where(eq(phoneNumbers.businessId, businessId));

describe("the phone-number cap under parallel purchases", () => {
  it("with the cap at 3, 9 parallel purchases (Vapi slow) end with exactly 3 numbers; the rest get the 409", async () => {
    const { cookie, user } = await createPayingUser();
    // The purchases that reach Vapi wait there, so the others run while they are in flight.
    await vapi.fault({ method: "POST", path: "/phone-number", bodyIncludes: '"212"', delayMs: 300, times: 3 });
    const mark = await vapi.mark();
    const responses = await Promise.all(Array.from({ length: 9 }, () => buy(cookie, "212")));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409, 409, 409, 409]);
    for (const refused of responses.filter((response) => response.status === 409)) {
      expect(await errorOf(refused)).toMatchObject({ code: "conflict", message: CAP_MESSAGE, details: { limit: 3 } });
    }
    expect(await vapiRequests(mark, "POST", "/phone-number")).toHaveLength(3);
    const rows = await rowsOf(user.id);
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.status !== PENDING_STATUS && !row.vapiPhoneNumberId.startsWith("pending:"))).toBe(true);
    const listed = (await (await call("/api/phone-numbers", { cookie })).json()) as { phoneNumbers: unknown[] };
    expect(listed.phoneNumbers).toHaveLength(3);
  });

  it("a Vapi failure leaves no placeholder and frees the slot", async () => {
    expectConsoleError(/"code":"vapi_error"/);
    const { cookie, user } = await createPayingUser();
    // A 400 (Vapi's SDK retries 5xx, which would eat the fault).
    await vapi.fault({ method: "POST", path: "/phone-number", bodyIncludes: '"213"', status: 400, body: vapiError(400, "No numbers left"), times: 3 });
    const failed = await Promise.all([buy(cookie, "213"), buy(cookie, "213"), buy(cookie, "213")]);
    expect(failed.map((response) => response.status)).toEqual([502, 502, 502]);
    expect(await rowsOf(user.id)).toEqual([]);
    const bought = await Promise.all([buy(cookie, "213"), buy(cookie, "213"), buy(cookie, "213")]);
    expect(bought.map((response) => response.status)).toEqual([201, 201, 201]);
  });

  it("a reservation in flight holds a slot but is not listed, shown, assignable or releasable", async () => {
    const { cookie, user } = await createPayingUser();
    const pendingId = await reservePhoneNumberSlot(db, user.id, 3);
    expect((await buy(cookie, "214")).status).toBe(201);
    expect((await buy(cookie, "214")).status).toBe(201);
    expect((await buy(cookie, "214")).status).toBe(409);
    const listed = (await (await call("/api/phone-numbers", { cookie })).json()) as { phoneNumbers: { id: string }[] };
    expect(listed.phoneNumbers.map((number) => number.id)).not.toContain(pendingId);
    expect(listed.phoneNumbers).toHaveLength(2);
    expect((await call(`/api/phone-numbers/${pendingId}`, { cookie })).status).toBe(404);
    expect((await call(`/api/phone-numbers/${pendingId}`, { method: "PATCH", cookie, json: { agentId: null } })).status).toBe(404);
    expect((await call(`/api/phone-numbers/${pendingId}`, { method: "DELETE", cookie })).status).toBe(404);
  });

  it("a reservation abandoned over 10 minutes ago (its worker died) no longer holds a slot", async () => {
    const { cookie, user } = await createPayingUser();
    const stale = await reservePhoneNumberSlot(db, user.id, 1);
    await db.update(phoneNumbers).set({ createdAt: sql`now() - interval '11 minutes'` }).where(eq(phoneNumbers.id, stale));
    expect((await buy(cookie, "215", envWith({ PHONE_NUMBERS_PER_ACCOUNT: "1" }))).status).toBe(201);
    expect(await db.select().from(phoneNumbers).where(and(eq(phoneNumbers.businessId, user.id), eq(phoneNumbers.status, PENDING_STATUS)))).toEqual([]);
  });
});
