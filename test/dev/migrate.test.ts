/**
 * Migrations (dev/db/migrate.mjs) and the two CLIs built on the database backend:
 * `npm run db:migrate` and `npm run db:http`.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { neon, neonConfig } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../dev/db/backend.mjs";
import { applyMigrations } from "../../dev/db/migrate.mjs";
import { backendCases, type OpenedBackend } from "./backends";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURE = path.join(import.meta.dirname, "migrate-fixture");

const copies: string[] = [];
afterAll(() => {
  for (const dir of copies) fs.rmSync(dir, { recursive: true, force: true });
});

/** A writable copy of the fixture migrations, so a test can add one. */
function copyFixture() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-migrations-"));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  copies.push(dir);
  return dir;
}

function addMigration(dir: string, tag: string, when: number, sql: string) {
  fs.writeFileSync(path.join(dir, `${tag}.sql`), sql);
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalPath, "utf8"));
  journal.entries.push({ idx: journal.entries.length, version: "7", when, tag, breakpoints: true });
  fs.writeFileSync(journalPath, JSON.stringify(journal));
}

for (const backend of backendCases) {
  describe.skipIf(backend.skip !== null)(`applyMigrations on ${backend.name}`, () => {
    let opened: OpenedBackend;
    beforeAll(async () => {
      opened = await backend.open();
    });
    afterAll(async () => {
      await opened?.close();
    });

    it("applies each migration once, statement by statement, and later only the new ones", async () => {
      const dir = copyFixture();
      const { pool } = opened.db;
      expect(await applyMigrations(pool, dir)).toEqual(["0000_accounts", "0001_ledger"]);
      expect(await applyMigrations(pool, dir)).toEqual([]);

      await pool.query("insert into accounts (email) values ('a@example.com')");
      const fk = await pool.query("insert into ledger (account_id, delta) values (999, 1)").catch((err) => err);
      expect(fk.code).toBe("23503");
      const index = await pool.query("select 1 from pg_indexes where indexname = 'accounts_email_idx'");
      expect(index.rowCount).toBe(1);

      addMigration(dir, "0002_note", 1767398400000, 'ALTER TABLE "accounts" ADD COLUMN "note" text;');
      expect(await applyMigrations(pool, dir)).toEqual(["0002_note"]);
      const recorded = await pool.query("select count(*)::int as n from drizzle.__drizzle_migrations");
      expect(recorded.rows).toEqual([{ n: 3 }]);
    });

    it("applies nothing, without failing, when no migrations have been generated", async () => {
      expect(await applyMigrations(opened.db.pool, path.join(os.tmpdir(), "agentline-no-such-dir"))).toEqual([]);
    });

    it("lets concurrent runs apply each migration exactly once", async () => {
      const dir = copyFixture();
      addMigration(dir, "0002_note", 1767398400000, 'ALTER TABLE "accounts" ADD COLUMN "note" text;');
      addMigration(dir, "0003_more", 1767484800000, 'ALTER TABLE "accounts" ADD COLUMN "more" text;');
      // Real Postgres: a second pool is a second process as far as the server can tell.
      const other = opened.db.kind === "postgres" ? await openDatabase({ databaseUrl: opened.db.connectionString }) : null;
      try {
        const runs = await Promise.all([
          applyMigrations(opened.db.pool, dir),
          applyMigrations((other ?? opened.db).pool, dir),
          applyMigrations(opened.db.pool, dir),
        ]);
        expect(runs.flat().sort()).toEqual(["0003_more"]);
      } finally {
        await other?.close();
      }
    });

    it("0007 moves the no-overlap rule of booking_holds to the calendar on a database with bookings in it", async () => {
      // The project's own migrations up to 0006, rows as the old rule let them be, then 0007.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-migrations-"));
      copies.push(dir);
      fs.cpSync(path.join(ROOT, "migrations"), dir, { recursive: true });
      const journalPath = path.join(dir, "meta", "_journal.json");
      const journal = JSON.parse(fs.readFileSync(journalPath, "utf8"));
      const tag = "0007_booking_holds_per_calendar";
      fs.writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.filter((e: { tag: string }) => e.tag < tag) }));
      const fresh = await backend.open();
      try {
        const { pool } = fresh.db;
        await applyMigrations(pool, dir);
        const one = async (text: string, values: unknown[] = []) => (await pool.query(text, values)).rows[0];
        const user = await one("insert into users (email, password_hash) values ('owner@example.com', 'x') returning id");
        const other = await one("insert into users (email, password_hash) values ('other@example.com', 'x') returning id");
        const agent = (userId: string, calendarId: string | null) =>
          one("insert into agents (user_id, vapi_assistant_id, name, greeting, calendar_id) values ($1, $2, 'Desk', 'Hi', $3) returning id", [userId, crypto.randomUUID(), calendarId]);
        const [front, back, elsewhere, theirs] = [await agent(user.id, null), await agent(user.id, "primary"), await agent(user.id, "team@example.com"), await agent(other.id, null)];
        const hold = (agentId: string, start: string, end: string, status: string, createdAt: string) =>
          one("insert into booking_holds (agent_id, start_at, end_at, expires_at, status, created_at) values ($1, $2, $3, $3, $4, $5) returning id", [agentId, start, end, status, createdAt]);
        // Two agents of one owner on "primary" (one by default) double-booked 10:00; the old rule allowed it.
        const first = await hold(front.id, "2030-05-14T10:00:00Z", "2030-05-14T10:30:00Z", "confirmed", "2030-05-01T00:00:00Z");
        const second = await hold(back.id, "2030-05-14T10:15:00Z", "2030-05-14T10:45:00Z", "confirmed", "2030-05-02T00:00:00Z");
        const cancelled = await hold(back.id, "2030-05-14T10:00:00Z", "2030-05-14T10:30:00Z", "cancelled", "2030-04-01T00:00:00Z");
        const otherCalendar = await hold(elsewhere.id, "2030-05-14T10:00:00Z", "2030-05-14T10:30:00Z", "confirmed", "2030-05-03T00:00:00Z");
        const otherOwner = await hold(theirs.id, "2030-05-14T10:00:00Z", "2030-05-14T10:30:00Z", "confirmed", "2030-05-03T00:00:00Z");

        // 0007 alone (later migrations are not what this test is about).
        fs.writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.filter((e: { tag: string }) => e.tag <= tag) }));
        expect(await applyMigrations(pool, dir)).toEqual([tag]);
        const rows = async () =>
          Object.fromEntries(
            (await pool.query("select id, user_id, calendar_id, status, legacy_overlap from booking_holds")).rows.map((r) => [r.id, { userId: r.user_id, calendarId: r.calendar_id, status: r.status, legacyOverlap: r.legacy_overlap }]),
          );
        const after = await rows();
        expect(after).toEqual({
          [first.id]: { userId: user.id, calendarId: "primary", status: "confirmed", legacyOverlap: false },
          // Still live (its event is real); outside the rule until it is moved.
          [second.id]: { userId: user.id, calendarId: "primary", status: "confirmed", legacyOverlap: true },
          [cancelled.id]: { userId: user.id, calendarId: "primary", status: "cancelled", legacyOverlap: false },
          [otherCalendar.id]: { userId: user.id, calendarId: "team@example.com", status: "confirmed", legacyOverlap: false },
          [otherOwner.id]: { userId: other.id, calendarId: "primary", status: "confirmed", legacyOverlap: false },
        });
        // The rule now holds across the owner's agents on one calendar.
        const overlap = await pool
          .query("insert into booking_holds (agent_id, user_id, calendar_id, start_at, end_at, expires_at) values ($1, $2, 'primary', '2030-05-14T10:20:00Z', '2030-05-14T10:50:00Z', now())", [elsewhere.id, user.id])
          .catch((err) => err);
        expect(overlap.code).toBe("23P01");

        // Safe to run again: the statements change nothing the second time.
        const statements = fs.readFileSync(path.join(dir, `${tag}.sql`), "utf8").split("--> statement-breakpoint");
        const client = await pool.connect();
        try {
          await client.query("begin");
          for (const statement of statements) await client.query(statement);
          await client.query("commit");
        } finally {
          client.release();
        }
        expect(await rows()).toEqual(after);
      } finally {
        await fresh.close();
      }
    });
  });
}

/** Runs a CLI from the repo root and collects its output. */
function run(script: string, args: string[], env: Record<string, string | undefined> = {}) {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe("npm run db:migrate and npm run db:http (PGlite in a data directory)", () => {
  let dataParent: string;
  let dataDir: string;
  beforeAll(() => {
    dataParent = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-pglite-"));
    dataDir = path.join(dataParent, "pglite");
  });
  afterAll(() => fs.rmSync(dataParent, { recursive: true, force: true }));

  it("db:migrate applies the migrations once and says so", async () => {
    const first = run("dev/migrate.mjs", ["--data", dataDir, "--migrations", FIXTURE]);
    expect(await first.exited, first.output()).toBe(0);
    expect(first.output()).toMatch(/applied 2 migration\(s\):\s+0000_accounts\s+0001_ledger/);

    const second = run("dev/migrate.mjs", ["--data", dataDir, "--migrations", FIXTURE]);
    expect(await second.exited, second.output()).toBe(0);
    expect(second.output()).toContain("up to date, 2 migration(s) already applied");
  });

  it("db:http serves the data directory, refuses a second opener, and stops cleanly on SIGTERM", async () => {
    const server = run("dev/db-http.mjs", ["--port", "0", "--data", dataDir, "--migrations", FIXTURE]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /Neon HTTP endpoint: (http:\S+)/.exec(server.output());
          if (match && server.output().includes("Ctrl-C stops.")) resolve(match[1]!);
        }, 50);
        void server.exited.then((code) => reject(new Error(`db:http exited (${code}): ${server.output()}`)));
        server.exited.finally(() => clearInterval(timer)).catch(() => {});
        setTimeout(() => clearInterval(timer), 60_000);
      });
      expect(server.output()).toContain("Backend: pglite");
      expect(server.output()).toContain("Migrations: up to date (2)");

      const connectionString = /Connection string: (postgresql:\S+)/.exec(server.output())?.[1];
      expect(connectionString).toMatch(/^postgresql:\/\/agentline:[\w-]{20,}@localhost\/agentline$/);
      neonConfig.fetchEndpoint = url;
      await expect(neon("postgresql://any:thing@localhost/whatever")`select 1`).rejects.toThrow(/password authentication failed/);
      const sql = neon(connectionString!);
      await sql`insert into accounts (email) values (${"cli@example.com"})`;
      expect(await sql`select email from accounts`).toEqual([{ email: "cli@example.com" }]);

      // PGlite has no server process of its own to keep a second opener out.
      const blocked = run("dev/migrate.mjs", ["--data", dataDir, "--migrations", FIXTURE]);
      expect(await blocked.exited).toBe(1);
      expect(blocked.output()).toMatch(/is in use by process \d+/);
    } finally {
      server.child.kill("SIGTERM");
    }
    expect(await server.exited).toBe(0);
    expect(fs.existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
