/**
 * Everything the worker talks to, without the worker itself: the database behind the local
 * Neon-HTTP endpoint, and a stand-in per external service the developer has no key for. Used by
 * startStack (dev/stack.mjs: `npm run dev`, the Node-side tests, the bench) and by the worker
 * tests' global set-up, where vitest-pool-workers runs the worker instead.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { openDatabase } from "./db/backend.mjs";
import { applyMigrations, readJournal } from "./db/migrate.mjs";
import { startNeonHttp } from "./db/neon-http.mjs";
import { SANDBOX_OPS_TOKEN } from "./ops/api.mjs";
import { standInDefinitions, startStandIns } from "./stand-ins/index.mjs";

/** The database host in the worker's connection string; the worker maps it to the local endpoint. */
const LOCAL_DATABASE_HOST = "db.agentline.local";

/**
 * @typedef {{ name: string, kind: "real" | "local" | "stand-in" | "override" | "off", detail: string }} ServiceRow
 * @typedef {Awaited<ReturnType<typeof startStandIns>>} StandIns
 * @typedef {Awaited<ReturnType<typeof openDatabase>>} Database
 * @typedef {{ services: ServiceRow[], workerVars: Record<string, string>, standIns: StandIns,
 *   database: Database | null, neonHttp: { url: string, password: string, readonly requestsReceived: number } | null,
 *   close: () => Promise<void> }} BackingServices
 *   `services`: what is real and what is a stand-in, for the start-up banner; `workerVars`: every
 *   variable the worker needs (the developer's `vars` included); `database` is null when the
 *   worker talks to Neon itself.
 */

/**
 * @param {{ appUrl: string, dataDir?: string | null, mode?: "sandbox" | "test", vars?: Record<string, string>, relayWebhooks?: boolean, signal?: AbortSignal }} options
 *   `dataDir`: the PGlite database lives in `<dataDir>/pglite` and the stand-ins' state in
 *   `<dataDir>/stand-ins` (wiped when the database is created afresh); null keeps both in memory.
 *   `relayWebhooks`: the stand-ins park what they would send the app on their relay (the worker
 *   tests, where nothing listens on APP_URL; test/support/relay.ts passes each one on).
 *   `vars`: the developer's variables: DATABASE_URL picks the database, real keys and base-URL
 *   overrides replace stand-ins. Aborting `signal` stops what has started and rejects.
 * @returns {Promise<BackingServices>}
 */
export async function startBackingServices({ appUrl, dataDir = null, mode = "sandbox", vars = {}, relayWebhooks = false, signal }) {
  /** @type {(() => Promise<unknown> | void)[]} */
  const cleanups = [];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.error("stopping the local services:", error instanceof Error ? error.message : error);
      }
    }
  };
  try {
    /** @type {ServiceRow[]} */
    const services = [];
    // A device-cookie key per run unless the developer set one: a restart only makes browsers strangers again (ADR 0010).
    /** @type {Record<string, string>} */
    const ours = { APP_URL: vars.APP_URL ?? appUrl, AGENTLINE_MODE: mode, DEVICE_COOKIE_SECRET: vars.DEVICE_COOKIE_SECRET || randomBytes(32).toString("hex") };
    // `npm run ops` works against the local app out of the box (ADR 1101).
    if (mode === "sandbox") ours.OPS_TOKEN = vars.OPS_TOKEN || SANDBOX_OPS_TOKEN;
    const { database, neonHttp, freshDatabase } = await startDatabase({ vars, dataDir, services, workerVars: ours, cleanups });
    signal?.throwIfAborted();

    const standInNames = pickStandIns(vars, services);
    const standIns = await startStandIns({
      names: standInNames,
      appUrl: ours.APP_URL,
      dataDir: dataDir && path.join(dataDir, "stand-ins"),
      // The stand-ins' state belongs to the database beside it; a fresh database makes it stale.
      wipe: freshDatabase,
      relayWebhooks,
    });
    cleanups.push(() => standIns.close());
    signal?.throwIfAborted();
    for (const [name, service] of Object.entries(standIns.services)) {
      const smtpPort = /** @type {{ smtpPort?: number }} */ (service).smtpPort;
      services.push({ name, kind: "stand-in", detail: smtpPort ? `SMTP on 127.0.0.1:${smtpPort}; inbox at ${service.url}/messages` : service.url });
    }
    // With every service real there is nothing sandboxed to badge; it is still this machine, not
    // production (whose refusals of local endpoints would stop it: src/config/env.ts).
    if (!standInNames.length) ours.AGENTLINE_MODE = "development";
    const workerVars = { ...standIns.bindings, ...vars, ...ours };
    return { services, workerVars, standIns, database, neonHttp, close };
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
    return { database: null, neonHttp: null, freshDatabase: false };
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
  const freshDatabase = count > 0 && applied[0] === readJournal()?.[0]?.tag;
  return {
    database,
    neonHttp: {
      url: neonHttp.url,
      password: neonHttp.password,
      /** One per database round trip: `npm run bench` counts them per request. */
      get requestsReceived() {
        return neonHttp.requestsReceived;
      },
    },
    freshDatabase,
  };
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
