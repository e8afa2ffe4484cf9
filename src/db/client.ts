/**
 * Drizzle over Neon's SQL-over-HTTP driver. In development and tests NEON_FETCH_ENDPOINT
 * points the same driver at the local endpoint (dev/db/neon-http.mjs), so the production
 * code path is the one under test.
 *
 * The driver is loaded on first use, not at startup: evaluating @neondatabase/serverless (and
 * the Node polyfills it touches) is ~18 ms of the worker's startup budget, and /api/ping needs
 * none of it (docs/decisions/0900-startup-budget.md). Every entry point — the init middleware,
 * the queue consumer, the CreditAccount's constructor — awaits `loadDatabaseDriver()` once;
 * after that `createDatabase` is synchronous as before.
 */
import type { NeonHttpDatabase } from "drizzle-orm/neon-http";
import type { Config } from "../config/env";
import * as schema from "./schema";

export type Database = NeonHttpDatabase<typeof schema>;

interface Driver {
  neon: typeof import("@neondatabase/serverless").neon;
  drizzle: typeof import("drizzle-orm/neon-http").drizzle;
}

const databases = new Map<string, Database>();
/** Local endpoints by the database host they stand in for; any other host goes to Neon. */
const localEndpoints = new Map<string, string>();
let driver: Driver | undefined;
let loading: Promise<void> | undefined;

/** Loads the driver once per isolate; cheap to await again. */
export function loadDatabaseDriver(): Promise<void> {
  loading ??= Promise.all([import("@neondatabase/serverless"), import("drizzle-orm/neon-http")]).then(([neonModule, drizzleModule]) => {
    const { neonConfig } = neonModule;
    const neonDefaultEndpoint = neonConfig.fetchEndpoint;
    // neonConfig is isolate-wide, so the override is keyed by host rather than set per instance.
    neonConfig.fetchEndpoint = (host, port, options) => {
      const local = localEndpoints.get(host);
      if (local) return local;
      return typeof neonDefaultEndpoint === "function" ? neonDefaultEndpoint(host, port, options) : neonDefaultEndpoint;
    };
    driver = { neon: neonModule.neon, drizzle: drizzleModule.drizzle };
  });
  return loading;
}

/** One drizzle instance per connection string per isolate; it holds no connection, only config. */
export function createDatabase(config: Pick<Config, "DATABASE_URL" | "NEON_FETCH_ENDPOINT">): Database {
  if (!driver) throw new Error("createDatabase() before loadDatabaseDriver() finished: await it in the entry point");
  if (config.NEON_FETCH_ENDPOINT) localEndpoints.set(new URL(config.DATABASE_URL).hostname, config.NEON_FETCH_ENDPOINT);
  const key = `${config.DATABASE_URL}\u0000${config.NEON_FETCH_ENDPOINT ?? ""}`;
  const existing = databases.get(key);
  if (existing) return existing;
  const db = driver.drizzle({ client: driver.neon(config.DATABASE_URL), schema });
  databases.set(key, db);
  return db;
}
