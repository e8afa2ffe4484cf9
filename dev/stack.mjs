/**
 * The whole product on one machine, started one way for `npm run dev`, the tests
 * (test/dev/*.test.ts) and the bench:
 * 1. the database: PGlite (in `dataDir`, or in memory), or the Postgres that DATABASE_URL names,
 *    migrations applied, served over Neon's HTTP protocol with a per-run password
 *    (dev/db/neon-http.mjs); or Neon itself when DATABASE_URL points there;
 * 2. per external service, a stand-in unless a base-URL override or a real key says otherwise;
 * 3. the app server (dev/app-server.mjs) with the worker's variables pointing at all of it.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startAppServer } from "./app-server.mjs";
import { openDatabase } from "./db/backend.mjs";
import { applyMigrations } from "./db/migrate.mjs";
import { startNeonHttp } from "./db/neon-http.mjs";
import { assertPortFree } from "./port-check.mjs";
import { standInDefinitions, startStandIns } from "./stand-ins/index.mjs";

/** The database host in the worker's connection string; the worker maps it to the local endpoint. */
const LOCAL_DATABASE_HOST = "db.agentline.local";

/**
 * @typedef {{ name: string, kind: "real" | "local" | "stand-in" | "override" | "off", detail: string }} ServiceRow
 * @typedef {Awaited<ReturnType<typeof startStandIns>>} StandIns
 */

/**
 * @param {{ port?: number, dataDir?: string | null, mode?: "sandbox" | "test", vars?: Record<string, string>,
 *   assets?: string, logLevel?: "debug" | "info" | "log" | "warn" | "error",
 *   onOutput?: (text: string, stream: "stdout" | "stderr") => void, signal?: AbortSignal }} [options]
 *   `port`: 0 or absent picks a free one; a taken port fails before anything starts.
 *   `dataDir`: where the database and the app server's state live (`.data` for `npm run dev`);
 *   null keeps the database in memory and the state in a temporary folder removed on close.
 *   `vars`: the developer's variables (.dev.vars, then the environment): real keys and base-URL
 *   overrides replace stand-ins, and every variable reaches the worker.
 *   `signal`: aborting it during start-up stops what has started and rejects.
 * @returns {Promise<{ appUrl: string, services: ServiceRow[], standIns: StandIns, neonHttp: { url: string, password: string } | null,
 *   exited: Promise<number | null>, close: () => Promise<void> }>}
 */
export async function startStack({ port = 0, dataDir = null, mode = "sandbox", vars = {}, assets, logLevel, onOutput, signal } = {}) {
  if (port) await assertPortFree(port);
  else port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  /** @type {(() => Promise<unknown> | void)[]} */
  const cleanups = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error("stopping the stack:", error instanceof Error ? error.message : error);
      }
    }
  };

  try {
    /** @type {ServiceRow[]} */
    const services = [];
    /** @type {Record<string, string>} */
    const workerVars = { APP_URL: vars.APP_URL ?? appUrl, AGENTLINE_MODE: mode };
    const neonHttp = await startDatabase({ vars, dataDir, services, workerVars, cleanups });
    signal?.throwIfAborted();

    const standInNames = pickStandIns(vars, services);
    const standIns = await startStandIns({ names: standInNames, appUrl: workerVars.APP_URL });
    cleanups.push(() => standIns.close());
    signal?.throwIfAborted();
    for (const [name, service] of Object.entries(standIns.services)) {
      const smtpPort = /** @type {{ smtpPort?: number }} */ (service).smtpPort;
      services.push({ name, kind: "stand-in", detail: smtpPort ? `SMTP on 127.0.0.1:${smtpPort}; inbox at ${service.url}/messages` : service.url });
    }
    services.push(googleRow(vars));
    // With every service real there is nothing sandboxed to badge.
    if (!standInNames.length) workerVars.AGENTLINE_MODE = "production";

    let stateDir = dataDir && path.join(dataDir, "wrangler");
    if (!stateDir) {
      const temporary = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-stack-"));
      cleanups.push(() => fs.rmSync(temporary, { recursive: true, force: true }));
      stateDir = temporary;
    }
    const app = await startAppServer({ port, vars: { ...standIns.bindings, ...vars, ...workerVars }, stateDir, assets, logLevel, onOutput, signal });
    cleanups.push(() => app.close());
    return { appUrl, services, standIns, neonHttp, exited: app.exited, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * @param {{ vars: Record<string, string>, dataDir: string | null, services: ServiceRow[],
 *   workerVars: Record<string, string>, cleanups: (() => Promise<unknown> | void)[] }} context
 */
async function startDatabase({ vars, dataDir, services, workerVars, cleanups }) {
  if (vars.DATABASE_URL && /\.neon\.tech\b/.test(vars.DATABASE_URL)) {
    workerVars.DATABASE_URL = vars.DATABASE_URL;
    services.push({ name: "database", kind: "real", detail: "Neon (DATABASE_URL)" });
    return null;
  }
  const database = await openDatabase({ databaseUrl: vars.DATABASE_URL, dataDir: dataDir && path.join(dataDir, "pglite") });
  cleanups.push(() => database.close());
  const applied = await applyMigrations(database.pool);
  const neonHttp = await startNeonHttp({ pool: database.pool, kind: database.kind });
  cleanups.push(() => neonHttp.close());
  workerVars.DATABASE_URL = neonHttp.connectionString(LOCAL_DATABASE_HOST);
  workerVars.NEON_FETCH_ENDPOINT = neonHttp.url;
  const where = database.kind === "postgres" ? "PostgreSQL (DATABASE_URL)" : dataDir ? `embedded PGlite in ${path.join(dataDir, "pglite")}` : "embedded PGlite in memory";
  const count = Array.isArray(applied) ? applied.length : 0;
  const migrations = count ? ` (applied ${count} migration${count === 1 ? "" : "s"})` : "";
  services.push({ name: "database", kind: database.kind === "pglite" ? "local" : "real", detail: `${where}, via ${neonHttp.url}${migrations}` });
  return { url: neonHttp.url, password: neonHttp.password };
}

/** The stand-ins to start: those whose service has neither a base-URL override nor a real key. */
function pickStandIns(/** @type {Record<string, string>} */ vars, /** @type {ServiceRow[]} */ services) {
  const names = [];
  for (const definition of standInDefinitions) {
    const override = definition.overrideVariable && vars[definition.overrideVariable];
    const realKey = definition.realKeyVariable && vars[definition.realKeyVariable];
    if (override) services.push({ name: definition.name, kind: "override", detail: `${definition.overrideVariable}=${override}` });
    else if (realKey) services.push({ name: definition.name, kind: "real", detail: `${definition.realKeyVariable} is set` });
    else names.push(definition.name);
  }
  return names;
}

/** Google has no stand-in: Calendar and Sheets work only with a real OAuth client. */
function googleRow(/** @type {Record<string, string>} */ vars) {
  if (vars.GOOGLE_OAUTH_BASE_URL) return /** @type {ServiceRow} */ ({ name: "google", kind: "override", detail: `GOOGLE_OAUTH_BASE_URL=${vars.GOOGLE_OAUTH_BASE_URL}` });
  if (vars.GOOGLE_CLIENT_ID && vars.GOOGLE_CLIENT_SECRET) return /** @type {ServiceRow} */ ({ name: "google", kind: "real", detail: "GOOGLE_CLIENT_ID is set" });
  return /** @type {ServiceRow} */ ({ name: "google", kind: "off", detail: "no stand-in; set GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET for Calendar and Sheets" });
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
