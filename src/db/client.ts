/**
 * Drizzle over Neon's SQL-over-HTTP driver. In development and tests NEON_FETCH_ENDPOINT
 * points the same driver at the local endpoint (dev/db/neon-http.mjs), so the production
 * code path is the one under test.
 */
import { neon, neonConfig } from "@neondatabase/serverless";
import { drizzle, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import type { Config } from "../env";
import * as schema from "./schema";

export type Database = NeonHttpDatabase<typeof schema>;

const databases = new Map<string, Database>();
/** Local endpoints by the database host they stand in for; any other host goes to Neon. */
const localEndpoints = new Map<string, string>();
const neonDefaultEndpoint = neonConfig.fetchEndpoint;

// neonConfig is isolate-wide, so the override is keyed by host rather than set per instance.
neonConfig.fetchEndpoint = (host, port, options) => {
  const local = localEndpoints.get(host);
  if (local) return local;
  return typeof neonDefaultEndpoint === "function" ? neonDefaultEndpoint(host, port, options) : neonDefaultEndpoint;
};

/** One drizzle instance per connection string per isolate; it holds no connection, only config. */
export function createDatabase(config: Pick<Config, "DATABASE_URL" | "NEON_FETCH_ENDPOINT">): Database {
  if (config.NEON_FETCH_ENDPOINT) localEndpoints.set(new URL(config.DATABASE_URL).hostname, config.NEON_FETCH_ENDPOINT);
  const key = `${config.DATABASE_URL}\u0000${config.NEON_FETCH_ENDPOINT ?? ""}`;
  const existing = databases.get(key);
  if (existing) return existing;
  const db = drizzle({ client: neon(config.DATABASE_URL), schema });
  databases.set(key, db);
  return db;
}
