// Applies the SQL migrations drizzle-kit generates (migrations/NNNN_name.sql + meta/_journal.json)
// with drizzle-orm's own node-postgres migrator, so the bookkeeping table (drizzle.__drizzle_migrations)
// is the one drizzle-kit and production deploys agree on.
import fs from "node:fs";
import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

// Any fixed 64-bit key works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK_KEY = "7283916450129387211";
const MIGRATIONS_SCHEMA = "drizzle";
const MIGRATIONS_TABLE = "__drizzle_migrations";

/**
 * The journal drizzle-kit keeps beside the SQL files, or null when there is none yet.
 * @param {string} [migrationsDir]
 * @returns {{ tag: string, when: number }[] | null}
 */
export function readJournal(migrationsDir = "migrations") {
  const journalPath = path.join(path.resolve(migrationsDir), "meta", "_journal.json");
  if (!fs.existsSync(journalPath)) return null;
  return JSON.parse(fs.readFileSync(journalPath, "utf8")).entries;
}

/**
 * Idempotent: migrations already recorded are skipped. A session-level advisory lock, held on one
 * connection for the whole run, keeps two processes from applying the same migration twice
 * (drizzle decides what is pending before it opens its transaction). A folder without a journal
 * (nothing generated yet) applies nothing.
 * @param {import("pg").Pool} pool
 * @param {string} [migrationsDir]
 * @returns {Promise<string[]>} tags (file names without .sql) this call applied, in order
 */
export async function applyMigrations(pool, migrationsDir = "migrations") {
  const journal = readJournal(migrationsDir);
  if (!journal) return [];

  // One dedicated client: the lock belongs to its session, and with PGlite the pool has only one.
  const client = await pool.connect();
  /** @type {Error | undefined} */
  let broken;
  try {
    await client.query("select pg_advisory_lock($1::bigint)", [MIGRATION_LOCK_KEY]);
    try {
      const last = await lastAppliedMillis(client);
      const pending = journal.filter((e) => last === null || last < e.when).map((e) => e.tag);
      await migrate(drizzle({ client }), {
        migrationsFolder: path.resolve(migrationsDir),
        migrationsSchema: MIGRATIONS_SCHEMA,
        migrationsTable: MIGRATIONS_TABLE,
      });
      return pending;
    } finally {
      // If this fails the connection is gone, and the lock went with its session.
      await client.query("select pg_advisory_unlock($1::bigint)", [MIGRATION_LOCK_KEY]).catch((err) => {
        broken = err;
      });
    }
  } catch (err) {
    // A Postgres error leaves the connection usable; anything else (socket gone) does not.
    if (!(err instanceof pg.DatabaseError)) broken ??= err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * The tags a run of applyMigrations would apply now, read without applying anything (the same
 * test drizzle's migrator makes: journal entries newer than the newest recorded migration).
 * @param {import("pg").Pool} pool
 * @param {string} [migrationsDir]
 * @returns {Promise<string[]>}
 */
export async function pendingMigrations(pool, migrationsDir = "migrations") {
  const journal = readJournal(migrationsDir);
  if (!journal) return [];
  const client = await pool.connect();
  try {
    const last = await lastAppliedMillis(client);
    return journal.filter((e) => last === null || last < e.when).map((e) => e.tag);
  } finally {
    client.release();
  }
}

/**
 * created_at of the newest recorded migration, the same test drizzle's migrator uses.
 * @param {import("pg").PoolClient} client
 * @returns {Promise<number | null>}
 */
async function lastAppliedMillis(client) {
  const table = `${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`;
  const { rows } = await client.query("select to_regclass($1) is not null as present", [table]);
  if (!rows[0].present) return null;
  const last = await client.query(`select created_at from ${table} order by created_at desc limit 1`);
  return last.rows.length ? Number(last.rows[0].created_at) : null;
}
