#!/usr/bin/env node
// npm run db:migrate [-- --data DIR] [-- --migrations DIR]
// Applies drizzle-kit's SQL migrations to the PostgreSQL server DATABASE_URL names (a Neon
// database too: pg over TCP/TLS), or else to the embedded PGlite database in .data/pglite.
import { parseCliArgs } from "./cli-args.mjs";
import { openDatabase, redact } from "./db/backend.mjs";
import { applyMigrations, readJournal } from "./db/migrate.mjs";

const USAGE = `usage: npm run db:migrate -- [--data DIR] [--migrations DIR]

  --data DIR        PGlite data directory when DATABASE_URL is not set (default .data/pglite)
  --migrations DIR  drizzle-kit migrations folder (default migrations)`;

const args = parseCliArgs(
  {
    data: { type: "string", default: ".data/pglite" },
    migrations: { type: "string", default: "migrations" },
  },
  USAGE,
);

const databaseUrl = process.env.DATABASE_URL || null;
/** @type {Awaited<ReturnType<typeof openDatabase>> | undefined} */
let db;
let code = 0;
try {
  db = await openDatabase({ databaseUrl, dataDir: args.data });
  const target = db.kind === "postgres" ? `PostgreSQL ${redact(/** @type {string} */ (databaseUrl))}` : `PGlite ${args.data}`;
  const journal = readJournal(args.migrations);
  const applied = await applyMigrations(db.pool, args.migrations);
  if (!journal) {
    console.log(`No migrations in ${args.migrations}/ (no meta/_journal.json); run npm run db:generate first.`);
  } else if (applied.length === 0) {
    console.log(`${target}: up to date, ${journal.length} migration(s) already applied.`);
  } else {
    console.log(`${target}: applied ${applied.length} migration(s):`);
    for (const tag of applied) console.log(`  ${tag}`);
  }
} catch (err) {
  console.error(`db:migrate failed: ${describeError(err)}`);
  code = 1;
} finally {
  await db?.close().catch(() => {});
}
process.exit(code);

/** drizzle wraps the Postgres error ("Failed query: ..."); its cause says what went wrong. @param {any} err */
function describeError(err) {
  let text = err instanceof Error ? err.message : String(err);
  for (let cause = err?.cause; cause; cause = cause.cause) {
    if (text.includes(cause.message)) continue;
    const sqlState = cause.severity && cause.code ? ` (SQLSTATE ${cause.code})` : "";
    text += `\n  caused by: ${cause.message}${sqlState}${cause.detail ? `: ${cause.detail}` : ""}`;
  }
  return text;
}
