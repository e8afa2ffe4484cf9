/**
 * `npm run dev`: the whole product on one machine, with nothing else installed.
 *
 * 1. the database: PGlite in .data/pglite, or the Postgres that DATABASE_URL names;
 *    migrations applied; served to the worker over Neon's HTTP protocol (dev/db/neon-http.mjs);
 * 2. per external service, a stand-in unless a base-URL override or a real key says otherwise;
 * 3. Vite with @cloudflare/vite-plugin: the dashboard (hot reload) and the worker with its
 *    Durable Object and queue, at one URL (dev/vite-server.mjs).
 * Ctrl-C stops everything it started.
 */
import fs from "node:fs";
import path from "node:path";
import { openDatabase } from "./db/backend.mjs";
import { applyMigrations } from "./db/migrate.mjs";
import { startNeonHttp } from "./db/neon-http.mjs";
import { readDevVars } from "./dev-vars.mjs";
import { standInDefinitions, startStandIns } from "./stand-ins/index.mjs";
import { startViteServer } from "./vite-server.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(ROOT);

const port = Number(process.env.PORT ?? 8787);
/** AGENTLINE_DATA_DIR lets the browser tests run on a fresh, throwaway copy. */
const DATA_DIR = path.resolve(process.env.AGENTLINE_DATA_DIR ?? path.join(ROOT, ".data"));
const appUrl = `http://127.0.0.1:${port}`;
const fileVars = readDevVars(path.join(ROOT, ".dev.vars"));
/** The environment wins over .dev.vars, as DESIGN §9 says. */
const vars = { ...fileVars, ...pickDefined(process.env, Object.keys(fileVars).concat(["DATABASE_URL"])) };
const cleanups = [];
let stopping = false;

async function main() {
  fs.mkdirSync(DATA_DIR, { recursive: true });
  const neonHosted = vars.DATABASE_URL && /\.neon\.tech\b/.test(vars.DATABASE_URL);
  /** @type {Record<string, string>} */
  const workerVars = { APP_URL: vars.APP_URL ?? appUrl, AGENTLINE_MODE: "sandbox" };
  const report = [];

  if (neonHosted) {
    workerVars.DATABASE_URL = /** @type {string} */ (vars.DATABASE_URL);
    report.push(["database", "real", "Neon (DATABASE_URL)"]);
  } else {
    const database = await openDatabase({ databaseUrl: vars.DATABASE_URL, dataDir: path.join(DATA_DIR, "pglite") });
    cleanups.push(() => database.close());
    const applied = await applyMigrations(database.pool);
    const neonHttp = await startNeonHttp({ pool: database.pool, kind: database.kind });
    cleanups.push(() => neonHttp.close());
    workerVars.DATABASE_URL = "postgresql://agentline:agentline@db.agentline.local/agentline";
    workerVars.NEON_FETCH_ENDPOINT = neonHttp.url;
    const where = database.kind === "pglite" ? `embedded PGlite in ${path.relative(ROOT, path.join(DATA_DIR, "pglite")) || "."}` : "PostgreSQL (DATABASE_URL)";
    report.push(["database", database.kind === "pglite" ? "local" : "real", `${where}, via ${neonHttp.url}${describeApplied(applied)}`]);
  }

  const standInNames = [];
  for (const definition of standInDefinitions) {
    const override = definition.overrideVariable && vars[definition.overrideVariable];
    const realKey = definition.realKeyVariable && vars[definition.realKeyVariable];
    if (override) report.push([definition.name, "override", `${definition.overrideVariable}=${override}`]);
    else if (realKey) report.push([definition.name, "real", `${definition.realKeyVariable} from .dev.vars`]);
    else standInNames.push(definition.name);
  }
  const standIns = await startStandIns({ names: standInNames, appUrl: workerVars.APP_URL });
  cleanups.push(() => standIns.close());
  for (const [name, service] of Object.entries(standIns.services)) {
    const smtpPort = /** @type {{ smtpPort?: number }} */ (service).smtpPort;
    report.push([name, "stand-in", smtpPort ? `SMTP on 127.0.0.1:${smtpPort}; inbox at ${service.url}/messages` : service.url]);
  }

  const merged = { ...standIns.bindings, ...vars, ...workerVars };
  if (!standInNames.length && !Object.keys(standIns.services).length) merged.AGENTLINE_MODE = "production";

  // The dashboard (Vite, hot reload) and the worker (@cloudflare/vite-plugin) share one URL.
  const vite = await startViteServer({ root: ROOT, port, workerVars: merged, persistTo: path.join(DATA_DIR, "wrangler") });
  cleanups.push(() => vite.close());
  printReport(report);
}

function printReport(rows) {
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log("\n  Agentline is running at \x1b[1m%s\x1b[0m\n", appUrl);
  for (const [name, kind, detail] of rows) console.log(`  ${name.padEnd(width)}  ${kind.padEnd(8)}  ${detail}`);
  console.log("\n  Ctrl-C stops everything.\n");
}

function describeApplied(applied) {
  return Array.isArray(applied) && applied.length ? ` (applied ${applied.length} migration${applied.length === 1 ? "" : "s"})` : "";
}

function pickDefined(env, names) {
  return Object.fromEntries(names.filter((name) => env[name]).map((name) => [name, /** @type {string} */ (env[name])]));
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      console.error("cleanup failed:", error instanceof Error ? error.message : error);
    }
  }
  process.exit(code);
}

process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));
main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  shutdown(1);
});
