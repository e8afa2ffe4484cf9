#!/usr/bin/env node
/**
 * `npm run db:check-ledger`: verifies the credit ledger's invariant over the whole database
 * (docs/architecture.md §3): for every business, sum(credit_transactions.delta) = businesses.credit_balance, and each
 * row's balance_after is the previous row's balance_after plus its delta (rows in created_at
 * order; the first row starts from zero). Exits 1 naming every offending user.
 *
 * The database: DATABASE_URL (environment, then .dev.vars), else the PGlite in .data/pglite
 * (stop `npm run dev` first: PGlite has one writer). `--json` prints the report as JSON.
 */
import path from "node:path";
import { pathToFileURL } from "node:url";
import { openDatabase, redact } from "./db/backend.mjs";
import { readDevVars } from "./dev-vars.mjs";

/**
 * @typedef {{ businessId: string, name: string, creditBalance: number, ledgerSum: number, rows: number,
 *   brokenRows: number, firstBrokenRowId: string | null }} LedgerProblem
 * @typedef {{ businessesChecked: number, rowsChecked: number, problems: LedgerProblem[] }} LedgerReport
 */

/**
 * @param {{ query: (text: string, values?: unknown[]) => Promise<{ rows: any[] }> }} pool  a pg Pool or client
 * @returns {Promise<LedgerReport>}
 */
export async function checkLedger(pool) {
  const totals = await pool.query(`select (select count(*) from businesses)::int as businesses, (select count(*) from credit_transactions)::int as rows`);
  const { rows } = await pool.query(`
    with sums as (
      select u.id, u.name, u.credit_balance, coalesce(sum(t.delta), 0)::bigint as ledger_sum, count(t.id)::int as rows
      from businesses u left join credit_transactions t on t.business_id = u.id
      group by u.id
    ), chain as (
      select business_id, id, created_at, delta, balance_after,
             coalesce(lag(balance_after) over (partition by business_id order by created_at, id), 0) as previous_after
      from credit_transactions
    ), broken as (
      select business_id, count(*)::int as broken_rows, (array_agg(id order by created_at, id))[1]::text as first_broken
      from chain where previous_after + delta <> balance_after
      group by business_id
    )
    select s.id::text as business_id, s.name, s.credit_balance, s.ledger_sum::text as ledger_sum, s.rows,
           coalesce(b.broken_rows, 0) as broken_rows, b.first_broken
    from sums s left join broken b on b.business_id = s.id
    where s.credit_balance <> s.ledger_sum or b.broken_rows is not null
    order by s.name`);

  /** @type {LedgerProblem[]} */
  const problems = [];
  for (const row of rows) {
    const problem = {
      businessId: row.business_id,
      name: row.name,
      creditBalance: Number(row.credit_balance),
      ledgerSum: Number(row.ledger_sum),
      rows: Number(row.rows),
      brokenRows: Number(row.broken_rows),
      firstBrokenRowId: row.first_broken ?? null,
    };
    // Rows written in the same microsecond have no order of their own; a chain that only
    // looks broken because of such a tie is re-checked with the ties in every order.
    if (problem.creditBalance === problem.ledgerSum && problem.brokenRows > 0 && (await chainHoldsWithTies(pool, problem.businessId))) continue;
    problems.push(problem);
  }
  return { businessesChecked: totals.rows[0].businesses, rowsChecked: totals.rows[0].rows, problems };
}

/** @param {{ query: Function }} pool @param {string} businessId */
async function chainHoldsWithTies(pool, businessId) {
  const { rows } = await pool.query(
    `select created_at::text as at, delta, balance_after from credit_transactions where business_id = $1 order by created_at, id`,
    [businessId],
  );
  /** @type {{ delta: number, after: number }[][]} */
  const groups = [];
  let lastAt = null;
  for (const row of rows) {
    if (row.at !== lastAt) groups.push([]);
    lastAt = row.at;
    groups[groups.length - 1].push({ delta: Number(row.delta), after: Number(row.balance_after) });
  }
  let running = 0;
  for (const group of groups) {
    const end = orderGroup(group, running);
    if (end === null) return false;
    running = end;
  }
  return true;
}

/** The balance after a group of tied rows if some order of them chains from `start`, else null. */
function orderGroup(group, start) {
  if (group.length > 8) return null;
  const search = (remaining, running) => {
    if (!remaining.length) return running;
    for (let i = 0; i < remaining.length; i++) {
      const row = remaining[i];
      if (running + row.delta !== row.after) continue;
      const end = search([...remaining.slice(0, i), ...remaining.slice(i + 1)], row.after);
      if (end !== null) return end;
    }
    return null;
  };
  return search(group, start);
}

/** @param {LedgerReport} report */
export function formatReport(report) {
  const head = `${report.businessesChecked} businesses, ${report.rowsChecked} ledger rows`;
  if (!report.problems.length) return `ledger OK: ${head}`;
  const lines = report.problems.map((p) => {
    const parts = [];
    if (p.creditBalance !== p.ledgerSum) parts.push(`credit_balance ${p.creditBalance} but the ledger sums to ${p.ledgerSum}`);
    if (p.brokenRows) parts.push(`${p.brokenRows} row(s) whose balance_after does not follow (first: ${p.firstBrokenRowId})`);
    return `  business ${p.businessId} (${p.name}): ${parts.join("; ")}`;
  });
  return [`ledger BROKEN for ${report.problems.length} business(es) (${head}):`, ...lines].join("\n");
}

async function main() {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
  const json = process.argv.includes("--json");
  const databaseUrl = process.env.DATABASE_URL || readDevVars(path.join(root, ".dev.vars")).DATABASE_URL;
  const database = await openDatabase({ databaseUrl, dataDir: path.join(root, ".data", "pglite") });
  try {
    const report = await checkLedger(database.pool);
    if (json) console.log(JSON.stringify(report, null, 2));
    else {
      const where = databaseUrl ? redact(databaseUrl) : ".data/pglite";
      console.log(`${formatReport(report)}\n(database: ${where})`);
    }
    process.exitCode = report.problems.length ? 1 : 0;
  } finally {
    await database.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(`db:check-ledger: ${error instanceof Error ? error.message : error}`);
    process.exit(2);
  });
}
