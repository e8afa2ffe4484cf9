import { describe, expect, it } from "vitest";
import { creditAccount } from "../../../src/services/credits";
import { grantCredits } from "../../support/credits";
import { testEnv } from "../../support/env";
import { createUser, createUserWithCredits } from "../../support/factories";
import { call, errorOf } from "../../support/http";

interface CreditsPage {
  balance: number;
  lowCreditThreshold: number;
  transactions: { id: string; delta: number; balanceAfter: number; kind: string; description: string | null; callId: string | null; createdAt: string }[];
  nextCursor: string | null;
}

const page = async (cookie: string, query = "") => {
  const response = await call(`/api/credits${query}`, { cookie });
  expect(response.status).toBe(200);
  return (await response.json()) as CreditsPage;
};

describe("GET /api/credits", () => {
  it("answers the balance, the threshold and the ledger, newest first", async () => {
    const { user, cookie } = await createUserWithCredits(100, { lowCreditThreshold: 25 });
    expect(user.creditBalance).toBe(100);
    await creditAccount(testEnv, user.id).debit({ amount: 4, kind: "call", idempotencyKey: `test:${crypto.randomUUID()}` });
    const body = await page(cookie);
    expect(body).toMatchObject({ balance: 96, lowCreditThreshold: 25, nextCursor: null });
    expect(body.transactions.map((t) => [t.kind, t.delta, t.balanceAfter])).toEqual([
      ["call", -4, 96],
      ["adjustment", 100, 100],
    ]);
    expect(body.transactions[0]?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Object.keys(body.transactions[0] ?? {}).sort()).toEqual(["balanceAfter", "callId", "createdAt", "delta", "description", "id", "kind"]);
  });

  it("pages with a stable cursor: every row once, in order, even while new rows arrive", async () => {
    const { user, cookie } = await createUser();
    const account = creditAccount(testEnv, user.id);
    await grantCredits(user.id, 50);
    for (let i = 0; i < 6; i++) await account.debit({ amount: 1, kind: "call", idempotencyKey: `test:${crypto.randomUUID()}` });
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const body: CreditsPage = await page(cookie, `?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...body.transactions.map((t) => t.balanceAfter));
      cursor = body.nextCursor;
      pages += 1;
      // A new debit lands between pages: it is newer than the cursor, so it never shows up late.
      if (pages === 1) await account.debit({ amount: 1, kind: "call", idempotencyKey: `test:${crypto.randomUUID()}` });
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([44, 45, 46, 47, 48, 49, 50]);
  });

  it("shows only the caller's own transactions", async () => {
    const mine = await createUser();
    const theirs = await createUser();
    await grantCredits(theirs.user.id, 30);
    const body = await page(mine.cookie);
    expect(body).toMatchObject({ balance: 0, transactions: [], nextCursor: null });
  });

  it("refuses a bad limit or a cursor it did not give out with 400 validation_failed", async () => {
    const { cookie } = await createUser();
    for (const query of ["?limit=0", "?limit=101", "?limit=abc", "?cursor=not-a-cursor", `?cursor=${btoa("2026-01-01|x")}`]) {
      const response = await call(`/api/credits${query}`, { cookie });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe("validation_failed");
    }
  });

  it("needs a session: 401 unauthenticated", async () => {
    const response = await call("/api/credits");
    expect(response.status).toBe(401);
    expect((await errorOf(response)).code).toBe("unauthenticated");
  });
});
