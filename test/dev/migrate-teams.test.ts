/**
 * Migrations 0011 and 0012 (ADR 0130) on a database with a live single-owner account in it, the
 * rows written in the shape the code before teams wrote them: every row is kept and re-pointed at
 * the owner's new business, every balance moves with its ledger, the owner is the business's
 * owner, and running the statements again changes nothing. A ledger that does not add up stops
 * the migration before it changes anything.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../dev/db/migrate.mjs";
import { backendCases } from "./backends";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TENANT_TABLES = ["agents", "phone_numbers", "calls", "credit_transactions", "google_connections", "stripe_refunds", "stripe_refund_failures", "stripe_disputes", "booking_holds"];
const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
});

/** The project's migrations with the journal cut to those before `tag` (or up to it, `through`). */
function migrationsBefore(tag: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-migrations-"));
  copies.push(dir);
  fs.cpSync(path.join(ROOT, "migrations"), dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalPath, "utf8"));
  const cut = (keep: (entryTag: string) => boolean) =>
    fs.writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.filter((e: { tag: string }) => keep(e.tag)) }));
  cut((entryTag) => entryTag < tag);
  return { dir, through: (last: string) => cut((entryTag) => entryTag <= last) };
}

type Pool = { query: (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> };

/** An owner with credits bought and spent, an agent, a number, calls, Google, Stripe facts and a booking: as the old code wrote them. */
async function seedOldAccount(pool: Pool, label: string, { breakLedger = false } = {}) {
  const one = async (text: string, values: unknown[] = []) => (await pool.query(text, values)).rows[0] as Record<string, string>;
  const user = await one(
    `insert into users (email, password_hash, name, phone, timezone, credit_balance, low_credit_threshold, stripe_customer_id)
     values ($1, 'scrypt$x', $2, '+14155550100', 'America/Chicago', $3, 25, $4) returning id`,
    [`${label}@example.test`, `Owner ${label}`, breakLedger ? 999 : 470, `cus_${label}`],
  );
  const id = user.id;
  await pool.query(
    `insert into credit_transactions (user_id, delta, balance_after, kind, idempotency_key, stripe_checkout_session_id, created_at) values
       ($1, 500, 500, 'purchase', $2, $3, now() - interval '3 days'),
       ($1, -30, 470, 'call', $4, null, now() - interval '2 days')`,
    [id, `purchase:cs_${label}`, `cs_${label}`, `call:${label}`],
  );
  const agent = await one(`insert into agents (user_id, vapi_assistant_id, name, greeting) values ($1, $2, 'Front desk', 'Hi') returning id`, [id, `asst_${label}`]);
  const number = await one(`insert into phone_numbers (user_id, agent_id, vapi_phone_number_id, e164, status) values ($1, $2, $3, $4, 'active') returning id`, [
    id,
    agent.id,
    `pn_${label}`,
    `+1415555${String(Math.floor(Math.random() * 9000) + 1000)}`,
  ]);
  await pool.query(`insert into calls (user_id, agent_id, phone_number_id, vapi_call_id, status, credits_charged) values ($1, $2, $3, $4, 'ended', 30), ($1, $2, $3, $5, 'in-progress', 0)`, [
    id,
    agent.id,
    number.id,
    `call_${label}_1`,
    `call_${label}_2`,
  ]);
  await pool.query(`insert into google_connections (user_id, google_email, refresh_token_ciphertext) values ($1, 'owner@gmail.com', 'ciphertext')`, [id]);
  const session = `session-${label}-${crypto.randomUUID()}`;
  await pool.query(`insert into sessions (id, user_id, expires_at) values ($1, $2, now() + interval '1 day')`, [session, id]);
  await pool.query(`insert into oauth_states (id, user_id, session_id, code_verifier, expires_at) values ($1, $2, $3, 'v', now() + interval '10 minutes')`, [`state-${label}`, id, session]);
  await pool.query(`insert into stripe_refunds (charge_id, checkout_session_id, user_id, amount_charged, amount_refunded, currency) values ($1, $2, $3, 1000, 0, 'usd')`, [`ch_${label}`, `cs_${label}`, id]);
  await pool.query(`insert into stripe_refund_failures (refund_id, charge_id, checkout_session_id, user_id, amount, currency) values ($1, $2, $3, $4, 100, 'usd')`, [`re_${label}`, `ch_${label}`, `cs_${label}`, id]);
  await pool.query(`insert into stripe_disputes (dispute_id, charge_id, checkout_session_id, user_id, amount, currency, status) values ($1, $2, $3, $4, 1000, 'usd', 'won')`, [`dp_${label}`, `ch_${label}`, `cs_${label}`, id]);
  await pool.query(
    `insert into booking_holds (agent_id, user_id, calendar_id, start_at, end_at, expires_at, status) values ($1, $2, 'primary', '2030-05-14T10:00:00Z', '2030-05-14T10:30:00Z', now(), 'confirmed')`,
    [agent.id, id],
  );
  return { id, session };
}

async function tenantRows(pool: Pool, column: "user_id" | "business_id") {
  const out: Record<string, string[]> = {};
  for (const table of TENANT_TABLES) {
    out[table] = (await pool.query(`select ${column}::text as owner from ${table} order by 1`)).rows.map((row) => String(row.owner));
  }
  return out;
}

for (const backend of backendCases) {
  describe.skipIf(backend.skip !== null)(`the move to teams (0011, 0012) on ${backend.name}`, () => {
    it("keeps every row and every balance, makes each owner the owner of a business with their id, and is safe to run again", async () => {
      const migrations = migrationsBefore("0011_teams");
      const fresh = await backend.open();
      try {
        const { pool } = fresh.db;
        await applyMigrations(pool, migrations.dir);
        const owners = [await seedOldAccount(pool, `a${Date.now()}`), await seedOldAccount(pool, `b${Date.now()}`)];
        const before = await tenantRows(pool, "user_id");
        const balancesBefore = (await pool.query("select id::text, credit_balance, low_credit_threshold, stripe_customer_id, phone from users order by id")).rows;

        migrations.through("0012_business_tenant");
        expect(await applyMigrations(pool, migrations.dir)).toEqual(["0011_teams", "0012_business_tenant"]);

        // Every row is still there, owned by the business whose id its user's was.
        expect(await tenantRows(pool, "business_id")).toEqual(before);
        const balancesAfter = (await pool.query("select id::text, credit_balance, low_credit_threshold, stripe_customer_id, phone from businesses order by id")).rows;
        expect(balancesAfter).toEqual(balancesBefore);
        const members = (await pool.query("select business_id::text, user_id::text, role from memberships order by business_id")).rows;
        expect(members).toEqual(owners.map(({ id }) => ({ business_id: id, user_id: id, role: "owner" })).sort((x, y) => String(x.business_id).localeCompare(String(y.business_id))));
        // The ledger still adds up per business; users keep only who they are.
        const broken = await pool.query(
          "select b.id from businesses b where b.credit_balance <> coalesce((select sum(delta) from credit_transactions t where t.business_id = b.id), 0)",
        );
        expect(broken.rows).toEqual([]);
        const userColumns = (await pool.query("select column_name from information_schema.columns where table_name = 'users' order by 1")).rows.map((row) => row.column_name);
        expect(userColumns).not.toContain("credit_balance");
        expect(userColumns).not.toContain("phone");
        // The foreign keys now point at businesses: a row for a business that does not exist is refused.
        const orphan = await pool.query("insert into agents (business_id, vapi_assistant_id, name, greeting) values (gen_random_uuid(), 'x', 'x', 'x')").catch((error) => error);
        expect(orphan.code).toBe("23503");
        // Sessions and Google's flow in progress survive: the flow knows its business.
        expect((await pool.query("select business_id::text from oauth_states order by 1")).rows.map((row) => row.business_id)).toEqual(owners.map((o) => o.id).sort());
        expect((await pool.query("select count(*)::int as n from sessions")).rows).toEqual([{ n: 2 }]);

        // Safe to run again: every statement of both migrations, a second time, changes nothing.
        const snapshot = [await tenantRows(pool, "business_id"), (await pool.query("select * from businesses order by id")).rows, members];
        for (const tag of ["0011_teams", "0012_business_tenant"]) {
          for (const statement of fs.readFileSync(path.join(migrations.dir, `${tag}.sql`), "utf8").split("--> statement-breakpoint")) await pool.query(statement);
        }
        expect([await tenantRows(pool, "business_id"), (await pool.query("select * from businesses order by id")).rows, (await pool.query("select business_id::text, user_id::text, role from memberships order by business_id")).rows]).toEqual(snapshot);
      } finally {
        await fresh.close();
      }
    });

    it("stops before changing anything when a ledger does not add up", async () => {
      const migrations = migrationsBefore("0011_teams");
      const fresh = await backend.open();
      try {
        const { pool } = fresh.db;
        await applyMigrations(pool, migrations.dir);
        await seedOldAccount(pool, `good${Date.now()}`);
        await seedOldAccount(pool, `bad${Date.now()}`, { breakLedger: true });
        migrations.through("0011_teams");
        await applyMigrations(pool, migrations.dir);
        migrations.through("0012_business_tenant");
        const failure = (await applyMigrations(pool, migrations.dir).catch((error) => error)) as Error & { cause?: Error };
        expect(`${failure.message} ${failure.cause?.message ?? ""}`).toMatch(/ledger invariant broken before the tenant move for 1 user/);
        // Nothing of 0012 happened: the columns are where they were.
        const agentColumns = (await pool.query("select column_name from information_schema.columns where table_name = 'agents'")).rows.map((row) => row.column_name);
        expect(agentColumns).toContain("user_id");
        expect(agentColumns).not.toContain("business_id");
      } finally {
        await fresh.close();
      }
    });
  });
}
