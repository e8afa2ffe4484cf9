import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

/**
 * The Node built-ins that google-auth-library, gaxios and googleapis-common require by bare name
 * ("fs", "querystring", …) are loaded on first require, as in the deployed bundle: wrangler.toml's
 * [alias] maps each to src/node-builtins/<name>.cjs. The pool does not apply [alias], so the same
 * table is applied here, read from that folder (test/dev/worker-startup.test.ts checks that
 * wrangler.toml lists exactly its files).
 */
const lazyBuiltinsDir = fileURLToPath(new URL("./src/node-builtins/", import.meta.url));
const lazyBuiltins = readdirSync(lazyBuiltinsDir).filter((file) => file.endsWith(".cjs")).map((file) => file.slice(0, -".cjs".length));
const lazyBuiltinAliases = lazyBuiltins.map((name) => ({ find: new RegExp(`^${name}$`), replacement: `${lazyBuiltinsDir}${name}.cjs` }));
/** The dependency optimizer leaves every other built-in to workerd (nodejs_compat). */
const nodeBuiltins = builtinModules.flatMap((name) => (lazyBuiltins.includes(name) ? [`node:${name}`] : [name, `node:${name}`]));

/**
 * The worker's test files share one workerd and one module graph (`isolate: false`): a fresh
 * workerd per file, importing the worker and its SDKs again, was more than half of the suite's
 * time (ADR 1010). A file that needs modules nobody has loaded yet runs in `worker-fresh`, which
 * keeps a workerd per file: every file that replaces a module with `vi.mock` (an already loaded
 * module would keep the real one, and the mock would leak into later files), found here by
 * reading the files, and those listed below, which test what happens on a module's first use.
 */
const WORKER_TESTS = "test/**/*.test.ts";
const WORKER_EXCLUDE = ["test/dev/**", "test/architecture.test.ts", "test/structured-data.test.ts"];
const FIRST_USE_TESTS = [
  "test/services/google/time.test.ts",
  // Its scripted SMTP refusals count connections: work an earlier file left running in a shared
  // workerd (an e-mail sent from a waitUntil) could take one (seen once on PostgreSQL, ADR 1010).
  "test/drills/smtp-down.drill.test.ts",
];
const MOCKS_MODULES = /\bvi\s*\.\s*(?:mock|doMock|unmock|doUnmock|resetModules)\s*\(/;
const freshModuleTests = [
  ...FIRST_USE_TESTS,
  ...listFiles("test")
    .filter((file) => file.endsWith(".test.ts") && !file.startsWith("test/dev/"))
    .filter((file) => MOCKS_MODULES.test(readFileSync(file, "utf8"))),
];

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`],
  );
}

/** The worker projects' common settings; `isolate` and the files are what tell them apart. */
function workerProject(name: string, isolate: boolean, files: { include: string[]; exclude: string[] }) {
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            ...inject("workerBindings"),
            AGENTLINE_MODE: "test",
            // Access logs would drown the test output; warnings and errors still show.
            LOG_LEVEL: "warn",
          },
          // Outbound connections as miniflare's default "internet" service makes them, plus
          // trust in the SMTP stand-in's self-signed certificate (its STARTTLS and TLS ports).
          outboundService: {
            network: {
              allow: ["public", "private", "240.0.0.0/4"],
              deny: [],
              tlsOptions: { trustBrowserCas: true, trustedCertificates: inject("trustedCertificates") },
            },
          },
        },
      })),
    ],
    resolve: { alias: lazyBuiltinAliases },
    test: {
      name,
      isolate,
      ...files,
      // Pre-bundle the heavy vendor SDKs once: without it every workerd re-imports
      // @vapi-ai/server-sdk (~2,600 modules) and stripe, and import time dominates the run.
      deps: {
        optimizer: {
          ssr: {
            enabled: true,
            rolldownOptions: { external: nodeBuiltins },
            include: ["@vapi-ai/server-sdk", "stripe", "worker-mailer", "zod", "drizzle-orm", "hono", "@neondatabase/serverless", "google-auth-library", "@googleapis/calendar", "@googleapis/sheets", "temporal-polyfill"],
          },
        },
      },
      globalSetup: ["./test/global-setup.ts"],
      // An unexpected console.error fails the test (test/support/console-trap.ts).
      setupFiles: ["./test/support/console-trap.ts"],
      // Files share one database and the stand-ins; running them one at a time keeps
      // scripted faults and recorded requests from leaking between files.
      fileParallelism: false,
      // After the node project when both run in one `vitest run` (one worker each way).
      sequence: { groupOrder: 1 },
      testTimeout: 30_000,
      hookTimeout: 60_000,
    },
  };
}

/**
 * Three projects: `worker` and `worker-fresh` run the worker's tests inside workerd against the
 * local Neon-HTTP endpoint and the stand-ins that test/global-setup.ts starts (`--project
 * 'worker*'` selects both); `node` runs the tests of the Node-side tools in dev/ (the endpoint
 * itself, the stand-ins, the CLIs).
 */
export default defineConfig({
  test: {
    projects: [
      workerProject("worker", false, { include: [WORKER_TESTS], exclude: [...WORKER_EXCLUDE, ...freshModuleTests] }),
      workerProject("worker-fresh", true, { include: freshModuleTests, exclude: WORKER_EXCLUDE }),
      {
        test: {
          name: "node",
          environment: "node",
          // Two files at a time even on two cores (vitest's default there is one): the files
          // mostly wait on the processes they start (ADR 1010).
          maxWorkers: 2,
          include: ["test/dev/**/*.test.ts", "test/architecture.test.ts", "test/structured-data.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
