import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkLedger, formatReport } from "../../dev/check-ledger.mjs";
import { openDatabase } from "../../dev/db/backend.mjs";
import { applyMigrations } from "../../dev/db/migrate.mjs";

type Database = Awaited<ReturnType<typeof openDatabase>>;
let database: Database;

beforeAll(async () => {
  database = await openDatabase({ dataDir: null });
  await applyMigrations(database.pool);
});
afterAll(async () => {
  await database?.close();
});

/** A user with a correct ledger of `deltas` (oldest first), written as the CreditAccount writes it. */
async function seedUser(label: string, deltas: number[]) {
  const { rows } = await database.pool.query(
    "insert into businesses (name) values ($1) returning id",
    [`${label}-${crypto.randomUUID().slice(0, 8)}@example.test`],
  );
  const userId = rows[0].id as string;
  let balance = 0;
  for (const [i, delta] of deltas.entries()) {
    balance += delta;
    await database.pool.query(
      `insert into credit_transactions (business_id, delta, balance_after, kind, idempotency_key, created_at)
       values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [userId, delta, balance, delta > 0 ? "purchase" : "call", `seed:${userId}:${i}`, i],
    );
  }
  await database.pool.query("update businesses set credit_balance = $2 where id = $1", [userId, balance]);
  return userId;
}

const run = promisify(execFile);

describe("db:check-ledger", () => {
  it("passes a database whose ledgers are exact", async () => {
    await seedUser("exact", [100, -3, -7, 500, -90]);
    await seedUser("empty", []);
    const report = await checkLedger(database.pool);
    expect(report.problems).toEqual([]);
    expect(formatReport(report)).toMatch(/^ledger OK: \d+ businesses, \d+ ledger rows$/);
  });

  it("names the business whose balance no longer equals the sum of the ledger", async () => {
    const good = await seedUser("good", [50, -5]);
    const bad = await seedUser("balance", [50, -5]);
    await database.pool.query("update businesses set credit_balance = credit_balance + 10 where id = $1", [bad]);
    const report = await checkLedger(database.pool);
    expect(report.problems.map((p) => p.businessId)).toEqual([bad]);
    expect(report.problems[0]).toMatchObject({ creditBalance: 55, ledgerSum: 45 });
    expect(formatReport(report)).toContain(`business ${bad}`);
    expect(formatReport(report)).not.toContain(good);
    await database.pool.query("update businesses set credit_balance = credit_balance - 10 where id = $1", [bad]);
  });

  it("names the business with a tampered row even when the totals still agree", async () => {
    const userId = await seedUser("tampered", [100, -10, -20]);
    // Rewrite the middle row's balance_after: the sum is unchanged, the chain is not.
    const { rows } = await database.pool.query(
      "select id from credit_transactions where business_id = $1 order by created_at limit 1 offset 1",
      [userId],
    );
    await database.pool.query("update credit_transactions set balance_after = 95 where id = $1", [rows[0].id]);
    const report = await checkLedger(database.pool);
    expect(report.problems).toEqual([
      expect.objectContaining({ businessId: userId, creditBalance: 70, ledgerSum: 70, brokenRows: 2, firstBrokenRowId: rows[0].id }),
    ]);
    await database.pool.query("update credit_transactions set balance_after = 90 where id = $1", [rows[0].id]);
  });

  it("accepts rows written in the same instant, in whichever order they chain", async () => {
    const userId = await seedUser("ties", [40]);
    // Two rows with one created_at whose ids sort against their chain order.
    await database.pool.query(
      `insert into credit_transactions (id, business_id, delta, balance_after, kind, idempotency_key, created_at) values
         ('ffffffff-0000-4000-8000-000000000000', $1, -5, 35, 'call', $2, now() + interval '1 hour'),
         ('00000000-0000-4000-8000-000000000000', $1, -3, 32, 'call', $3, now() + interval '1 hour')`,
      [userId, `tie-a:${userId}`, `tie-b:${userId}`],
    );
    await database.pool.query("update businesses set credit_balance = 32 where id = $1", [userId]);
    expect((await checkLedger(database.pool)).problems).toEqual([]);
  });

  it("the CLI exits 1 and names the offending business; 0 when the ledger is exact", async () => {
    const env = { ...process.env, DATABASE_URL: database.connectionString };
    const ok = await run(process.execPath, ["dev/check-ledger.mjs"], { env });
    expect(ok.stdout).toMatch(/ledger OK/);
    const bad = await seedUser("cli", [10]);
    await database.pool.query("update credit_transactions set delta = 11 where business_id = $1", [bad]);
    const failed = await run(process.execPath, ["dev/check-ledger.mjs"], { env }).then(
      () => {
        throw new Error("expected a non-zero exit");
      },
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(`business ${bad}`);
    expect(failed.stdout).toContain("credit_balance 10 but the ledger sums to 11");
  });
});
