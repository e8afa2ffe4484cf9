/**
 * What one account can buy at Vapi (docs/architecture.md §13, issue #10 item 5): a per-account cap
 * (PHONE_NUMBERS_PER_ACCOUNT, default 5) with a clear 409, a purchase rate limit counted before
 * anything is bought, and a list that pages instead of stopping silently (docs/architecture.md §12).
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { envWith, testEnv } from "../../support/env";
import { createPayingUser } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { vapi } from "../../support/vapi";

const buy = (cookie: string, env = testEnv, headers: Record<string, string> = {}) =>
  call("/api/phone-numbers", { method: "POST", cookie, json: { areaCode: "415" }, env, headers });

const countStatuses = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((counts, status) => {
    counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  }, {});

describe("phone numbers per account", () => {
  it("the cap defaults to 5", () => {
    expect(loadConfig(envWith({ PHONE_NUMBERS_PER_ACCOUNT: undefined })).PHONE_NUMBERS_PER_ACCOUNT).toBe(5);
  });

  it("buying past the cap is 409 with a message that says what to do, and nothing is bought at Vapi", async () => {
    const env = envWith({ PHONE_NUMBERS_PER_ACCOUNT: "2" });
    const { cookie } = await createPayingUser();
    expect((await buy(cookie, env)).status).toBe(201);
    expect((await buy(cookie, env)).status).toBe(201);
    const mark = await vapi.mark();
    const refused = await buy(cookie, env);
    expect(refused.status).toBe(409);
    const error = await errorOf(refused);
    expect(error).toMatchObject({ code: "conflict", details: { limit: 2 } });
    expect(error.message).toBe("This account already has 2 phone numbers, the most it can hold. Release one (DELETE /api/phone-numbers/:id) before buying another.");
    expect((await vapi.requests(mark)).filter((request) => request.method === "POST")).toEqual([]);
  });

  it("purchases are rate-limited per account, counted before buying: 15 at once buy 10", async () => {
    const env = envWith({ PHONE_NUMBERS_PER_ACCOUNT: "50" });
    const { cookie } = await createPayingUser();
    const responses = await Promise.all(Array.from({ length: 15 }, () => buy(cookie, env)));
    expect(countStatuses(responses.map((response) => response.status))).toEqual({ 201: 10, 429: 5 });
    const listed = (await (await call("/api/phone-numbers?limit=100", { cookie })).json()) as { phoneNumbers: unknown[] };
    expect(listed.phoneNumbers).toHaveLength(10);
  });
});

describe("GET /api/phone-numbers pages", () => {
  it("?limit&cursor walks every number once, oldest first, and ends with nextCursor null", async () => {
    const { cookie } = await createPayingUser();
    const bought: string[] = [];
    for (let i = 0; i < 5; i++) bought.push(((await (await buy(cookie)).json()) as { phoneNumber: { id: string } }).phoneNumber.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    const sizes: number[] = [];
    do {
      const response = await call(`/api/phone-numbers?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { cookie });
      expect(response.status).toBe(200);
      const page = (await response.json()) as { phoneNumbers: { id: string }[]; nextCursor: string | null };
      sizes.push(page.phoneNumbers.length);
      seen.push(...page.phoneNumbers.map((number) => number.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(bought);
  });

  it("a bad limit or cursor is 400", async () => {
    const { cookie } = await createPayingUser();
    for (const query of ["limit=0", "limit=101", "cursor=nope", "limit=x"]) {
      expect((await call(`/api/phone-numbers?${query}`, { cookie })).status, query).toBe(400);
    }
  });
});
