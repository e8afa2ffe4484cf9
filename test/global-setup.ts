/**
 * Starts what the worker tests talk to, on free loopback ports: the local Neon-HTTP endpoint
 * on a fresh database with migrations applied (in-memory PGlite, or a new database on the
 * PostgreSQL server named by TEST_DATABASE_URL), and every stand-in. Their addresses reach
 * the worker as bindings (vitest.config.ts) and the tests through `inject`.
 */
import type { TestProject } from "vitest/node";
import { openDatabase } from "../dev/db/backend.mjs";
import { createScratchDatabase } from "../dev/db/scratch.mjs";
import { applyMigrations } from "../dev/db/migrate.mjs";
import { startNeonHttp } from "../dev/db/neon-http.mjs";
import { checkLedger, formatReport } from "../dev/check-ledger.mjs";
import { startStandIns } from "../dev/stand-ins/index.mjs";

/** The connection string the worker sends; its host is what NEON_FETCH_ENDPOINT stands in for. */
export const TEST_DATABASE_URL = "postgresql://agentline:agentline@db.agentline.test/agentline";

declare module "vitest" {
  export interface ProvidedContext {
    workerBindings: Record<string, string>;
    neonUrl: string;
    standIns: Record<string, string>;
    databaseKind: string;
  }
}

export default async function setup(project: TestProject) {
  const scratch = process.env.TEST_DATABASE_URL ? await createScratchDatabase(process.env.TEST_DATABASE_URL) : undefined;
  const database = await openDatabase({ databaseUrl: scratch?.url, dataDir: null });
  await applyMigrations(database.pool);
  const neonHttp = await startNeonHttp({ pool: database.pool, kind: database.kind });
  // Webhooks the stand-ins send (the Stripe checkout page's Pay) park on their relay: nothing listens
  // on APP_URL here, and a test passes each one on to the worker (test/support/relay.ts).
  const standIns = await startStandIns({ appUrl: "http://127.0.0.1:8787", relayWebhooks: true });

  project.provide("neonUrl", neonHttp.url);
  project.provide("databaseKind", database.kind);
  project.provide(
    "standIns",
    Object.fromEntries(Object.entries(standIns.services).map(([name, service]) => [name, service.url])),
  );
  project.provide("workerBindings", {
    DATABASE_URL: TEST_DATABASE_URL,
    NEON_FETCH_ENDPOINT: neonHttp.url,
    APP_URL: "http://127.0.0.1:8787",
    ...standIns.bindings,
  });

  return async () => {
    // After the whole suite, every user's ledger must still add up (db:check-ledger).
    const ledger = await checkLedger(database.pool);
    await standIns.close();
    await neonHttp.close();
    await database.close();
    await scratch?.drop();
    if (ledger.problems.length) {
      // vitest only logs an error thrown here; the exit code is what makes the run fail.
      process.exitCode = 1;
      throw new Error(formatReport(ledger));
    }
  };
}
