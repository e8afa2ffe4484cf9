/**
 * Starts what the worker tests talk to, on free loopback ports, the way `npm run dev` does
 * (dev/backing-services.mjs): the local Neon-HTTP endpoint on a fresh database with migrations
 * applied (in-memory PGlite, or a new database on the PostgreSQL server named by
 * TEST_DATABASE_URL), and every stand-in. Their addresses reach the worker as bindings
 * (vitest.config.ts) and the tests through `inject`.
 */
import type { TestProject } from "vitest/node";
import { startBackingServices } from "../dev/backing-services.mjs";
import { checkLedger, formatReport } from "../dev/check-ledger.mjs";
import { createScratchDatabase } from "../dev/db/scratch.mjs";

/** Where the worker under test says it lives; nothing listens there (the pool calls it directly). */
const APP_URL = "http://127.0.0.1:8787";

declare module "vitest" {
  export interface ProvidedContext {
    workerBindings: Record<string, string>;
    neonUrl: string;
    standIns: Record<string, string>;
    databaseKind: string;
    /** Certificates the worker trusts for outbound TLS: the SMTP stand-in's self-signed one. */
    trustedCertificates: string[];
  }
}

export default async function setup(project: TestProject) {
  const scratch = process.env.TEST_DATABASE_URL ? await createScratchDatabase(process.env.TEST_DATABASE_URL) : undefined;
  // Only the database is chosen here: no developer variables, so every service is a stand-in.
  // Webhooks the stand-ins send (the Stripe checkout page's Pay) park on their relay: nothing
  // listens on APP_URL here, and a test passes each one on to the worker (test/support/relay.ts).
  const backing = await startBackingServices({
    appUrl: APP_URL,
    mode: "test",
    vars: scratch ? { DATABASE_URL: scratch.url } : {},
    relayWebhooks: true,
  });
  const database = backing.database!;

  project.provide("neonUrl", backing.neonHttp!.url);
  const smtp = backing.standIns.services.smtp as { certificate?: string } | undefined;
  project.provide("trustedCertificates", smtp?.certificate ? [smtp.certificate] : []);
  project.provide("databaseKind", database.kind);
  project.provide(
    "standIns",
    Object.fromEntries(Object.entries(backing.standIns.services).map(([name, service]) => [name, service.url])),
  );
  // DATABASE_URL carries the endpoint's per-run password; AGENTLINE_MODE is set by vitest.config.ts.
  const { AGENTLINE_MODE: _mode, ...workerBindings } = backing.workerVars;
  project.provide("workerBindings", workerBindings);

  return async () => {
    // After the whole suite, every user's ledger must still add up (db:check-ledger).
    const ledger = await checkLedger(database.pool);
    await backing.close();
    await scratch?.drop();
    if (ledger.problems.length) {
      // vitest only logs an error thrown here; the exit code is what makes the run fail.
      process.exitCode = 1;
      throw new Error(formatReport(ledger));
    }
  };
}
