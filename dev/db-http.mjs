#!/usr/bin/env node
// npm run db:http -- [--port N] [--host H] [--data DIR | --data memory] [--migrations DIR]
// Serves Neon's SQL-over-HTTP protocol on loopback, so any Neon client (the worker in
// development, drizzle, a script) can be pointed at a local database with
// neonConfig.fetchEndpoint. DATABASE_URL → that PostgreSQL server; otherwise embedded PGlite.
// Each run makes a new password: clients must send the connection string it prints.
import { parseCliArgs } from "./cli-args.mjs";
import { openDatabase, redact } from "./db/backend.mjs";
import { applyMigrations, readJournal } from "./db/migrate.mjs";
import { startNeonHttp } from "./db/neon-http.mjs";

const USAGE = `usage: npm run db:http -- [--port N] [--host H] [--data DIR|memory] [--migrations DIR]

  --port N          port to listen on (default 4444; 0 picks a free one)
  --host H          address to bind (default 127.0.0.1)
  --data DIR        PGlite data directory (default .data/pglite; "memory" keeps nothing)
  --migrations DIR  drizzle-kit migrations to apply first (default migrations)

With DATABASE_URL set, a real PostgreSQL server is used instead of PGlite.`;

const args = parseCliArgs(
  {
    port: { type: "string", default: "4444" },
    host: { type: "string", default: "127.0.0.1" },
    data: { type: "string", default: ".data/pglite" },
    migrations: { type: "string", default: "migrations" },
  },
  USAGE,
);
const port = Number(args.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, not "${args.port}"`);
  process.exit(2);
}

const databaseUrl = process.env.DATABASE_URL || null;
const dataDir = args.data === "memory" || args.data === "memory://" ? null : args.data;

/** @type {Awaited<ReturnType<typeof openDatabase>> | undefined} */
let db;
/** @type {Awaited<ReturnType<typeof startNeonHttp>> | undefined} */
let endpoint;
let stopping = false;

async function stop(code = 0) {
  if (stopping) process.exit(1); // a second Ctrl-C means "now"
  stopping = true;
  await endpoint?.close().catch((err) => console.error(`closing the endpoint: ${err.message}`));
  await db?.close().catch((err) => console.error(`closing the database: ${err.message}`));
  process.exit(code);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
process.on("SIGHUP", () => void stop());

try {
  const started = Date.now();
  db = await openDatabase({ databaseUrl, dataDir });
  const where = db.kind === "postgres" ? redact(/** @type {string} */ (databaseUrl)) : (dataDir ?? "memory");
  console.log(`Database: ${db.kind === "postgres" ? "PostgreSQL" : "PGlite"} (${where}), ready in ${Date.now() - started} ms`);

  const journal = readJournal(args.migrations);
  const applied = await applyMigrations(db.pool, args.migrations);
  if (!journal) console.log(`Migrations: none found in ${args.migrations}/ (npm run db:generate makes them)`);
  else if (applied.length) console.log(`Migrations: applied ${applied.join(", ")}`);
  else console.log(`Migrations: up to date (${journal.length})`);

  endpoint = await startNeonHttp({ pool: db.pool, kind: db.kind, port, host: args.host });
  console.log(`Neon HTTP endpoint: ${endpoint.url}`);
  console.log(`Connection string: ${endpoint.connectionString("localhost")}`);
  console.log(`Backend: ${db.kind}`);
  console.log(
    `Point a client at it with neonConfig.fetchEndpoint = "${endpoint.url}" and that connection string ` +
      `(any host name; the password is new each run and required). Ctrl-C stops.`,
  );
} catch (err) {
  const cause = err instanceof Error && err.cause instanceof Error ? `\n  caused by: ${err.cause.message}` : "";
  console.error(`db:http: ${err instanceof Error ? err.message : err}${cause}`);
  await stop(1);
}
