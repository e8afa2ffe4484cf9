/**
 * The databases the dev-tool tests run against: an in-memory PGlite always, and a throwaway
 * database on the PostgreSQL server TEST_DATABASE_URL names when it is set; and the local
 * Neon-HTTP endpoint on each, reached through the real driver.
 */
import { type NeonQueryFunction, neon, neonConfig } from "@neondatabase/serverless";
import type pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { type Database, openDatabase } from "../../dev/db/backend.mjs";
import { startNeonHttp } from "../../dev/db/neon-http.mjs";
import { createScratchDatabase } from "../../dev/db/scratch.mjs";

export interface OpenedBackend {
  db: Database;
  /** Closes the pool (and PGlite), then drops the scratch database if there is one. */
  close(): Promise<void>;
}

export interface BackendCase {
  name: "pglite" | "postgres";
  /** Why the case is skipped, or null when it runs. */
  skip: string | null;
  open(): Promise<OpenedBackend>;
}

const serverUrl = process.env.TEST_DATABASE_URL;
/** CI's PostgreSQL pass sets this so the PGlite cases, already run by `npm test`, aren't repeated. */
const postgresOnly = process.env.TEST_BACKENDS === "postgres";

export const backendCases: BackendCase[] = [
  {
    name: "pglite",
    skip: postgresOnly ? "TEST_BACKENDS=postgres: the PGlite pass ran it" : null,
    async open() {
      const db = await openDatabase({ dataDir: null });
      return { db, close: () => db.close() };
    },
  },
  {
    name: "postgres",
    skip: serverUrl ? null : "TEST_DATABASE_URL is not set",
    async open() {
      const scratch = await createScratchDatabase(serverUrl!);
      const db = await openDatabase({ databaseUrl: scratch.url });
      return {
        db,
        async close() {
          await db.close();
          await scratch.drop();
        },
      };
    },
  },
];

// Each suite gets its own fake database host; the driver picks the local endpoint by host.
const endpoints = new Map<string, string>();
neonConfig.fetchEndpoint = (host) => {
  const url = endpoints.get(host);
  if (!url) throw new Error(`no local endpoint for ${host}`);
  return url;
};

export interface NeonSuite {
  pool: pg.Pool;
  kind: "pglite" | "postgres";
  /** The local endpoint's URL (http://127.0.0.1:PORT/sql). */
  url: string;
  /** The endpoint's per-run password, which every request's connection string must carry. */
  password: string;
  /** The real driver, pointed at the local endpoint. */
  sql: NeonQueryFunction<false, false>;
}

/**
 * Registers beforeAll/afterAll hooks that open the backend, run `schema` on it, and start the
 * Neon-HTTP endpoint; the returned object is filled in once beforeAll has run.
 */
export function useNeonEndpoint(backend: BackendCase, schema: string[] = []): NeonSuite {
  const suite = {} as NeonSuite;
  let opened: OpenedBackend | undefined;
  let endpoint: Awaited<ReturnType<typeof startNeonHttp>> | undefined;
  beforeAll(async () => {
    opened = await backend.open();
    suite.pool = opened.db.pool;
    suite.kind = opened.db.kind;
    for (const statement of schema) await suite.pool.query(statement);
    endpoint = await startNeonHttp({ pool: suite.pool, kind: opened.db.kind });
    suite.url = endpoint.url;
    const host = `${backend.name}-${Math.random().toString(36).slice(2, 8)}.neon-http.test`;
    endpoints.set(host, endpoint.url);
    suite.password = endpoint.password;
    suite.sql = neon(`${endpoint.connectionString(host)}?sslmode=require`);
  });
  afterAll(async () => {
    await endpoint?.close();
    await opened?.close();
  });
  return suite;
}

/** The error a promise rejects with; fails the test when it resolves. */
// biome-ignore lint/suspicious/noExplicitAny: callers read whichever error fields their backend sets
export async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error("expected the query to fail");
}
