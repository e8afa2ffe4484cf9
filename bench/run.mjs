/**
 * `npm run bench`: the budgets of docs/architecture.md §11 (bench/README.md says how to read each figure).
 * Latencies and throughput are judged as ratios against the floor (GET /api/ping) measured in
 * the same run, so they mean the same on any machine. Writes bench/results/<time>.json, prints
 * a table, and exits 1 when a budget fails.
 *
 * BENCH_SECONDS (default 3) per load step; BENCH_STARTUP_RUNS (default 5); BENCH_SKIP=build,floor,routes,storm
 * leaves sections out while working on one; BENCH_DATABASE_URL=postgresql://… runs on that (empty) PostgreSQL
 * database instead of PGlite.
 */
import fs from "node:fs";
import path from "node:path";
import { ApiClient, connectSandboxGoogle } from "../dev/calls/demo-account.mjs";
import { startStack } from "../dev/stack.mjs";
import { apiTargets } from "./lib/api-targets.mjs";
import { measureFloorBudget } from "./lib/floor.mjs";
import { runLoad, unexpectedAnswers } from "./lib/load.mjs";
import { printReport } from "./lib/report.mjs";
import { countRoundTrips, sendTarget } from "./lib/round-trips.mjs";
import { seedOwners } from "./lib/seed.mjs";
import { runCreditStorm } from "./lib/storm.mjs";
import { vapiTargets } from "./lib/vapi-targets.mjs";
import { bundleGzipBytes, startupBusyMs } from "./lib/worker-build.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const SKIP = new Set((process.env.BENCH_SKIP ?? "").split(",").filter(Boolean));
const IN_FLIGHT = [1, 10, 50];
const PASSWORD = "bench password, long enough";
// As deployed (ADR 0004): the worker owns /api/* with no assets in front of it; the bare worker
// gets the same (undefined: no --assets for either).
const ASSETS = undefined;
// PostgreSQL instead of the embedded PGlite, whose single connection queues every query at 10 and 50 in flight.
const DATABASE_URL = process.env.BENCH_DATABASE_URL;
const started = Date.now();

/** @type {any} */
const report = { startedAt: new Date(started).toISOString(), secondsPerStep: SECONDS, build: null, floor: null, routes: [], storm: null, budgets: [] };

if (!SKIP.has("build")) {
  console.log("building the worker: bundle size and startup CPU…");
  report.build = { bundleGzipBytes: bundleGzipBytes(), startupMs: startupBusyMs(Number(process.env.BENCH_STARTUP_RUNS ?? 5)) };
}

console.log("starting the app (wrangler dev without the inspector, local database, stand-ins) and the bare reference worker…");
// Access logs off: the bench measures requests, not the terminal.
// The app's warnings and errors are kept, to say why when a step sees an unexpected answer.
let appLog = "";
// Wrangler's own log level "warn" as for the bare worker (at "log" wrangler prints a line per
// request, which cost a third of the floor's throughput), and no DevTools inspector (ADR 0903).
const stack = await startStack({
  mode: "test", vars: { LOG_LEVEL: "warn", ...(DATABASE_URL ? { DATABASE_URL } : {}) }, assets: ASSETS, logLevel: "warn", inspector: false,
  onOutput: (text) => (appLog = (appLog + text).slice(-20_000)),
});
// wrangler runs in its own process group: stop it however this run ends.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stack.close().finally(() => process.exit(130)));
process.on("uncaughtException", (error) => {
  console.error(error);
  stack.close().finally(() => process.exit(1));
});
try {
  const pool = /** @type {NonNullable<typeof stack.database>} */ (stack.database).pool;
  const neonHttp = /** @type {NonNullable<typeof stack.neonHttp>} */ (stack.neonHttp);
  const secret = stack.standIns.bindings.VAPI_WEBHOOK_SECRET;
  if (!SKIP.has("floor")) report.floor = await measureFloorBudget(stack.appUrl, { seconds: SECONDS, assets: ASSETS });

  const [reader] = await seedOwners(pool, [10_000_000]);
  // The tool calls read the owner's calendar (the Google stand-in), as a connected owner's do.
  const owner = new ApiClient(stack.appUrl);
  owner.cookie = reader.cookie;
  await connectSandboxGoogle(owner, (line) => console.log(`  ${line}`));
  const loginOwners = await seedOwners(pool, Array(Math.max(...IN_FLIGHT)).fill(0), { password: PASSWORD });
  const targets = SKIP.has("routes") ? [] : [...apiTargets(stack.appUrl, reader, loginOwners, PASSWORD), ...(await vapiTargets(stack.appUrl, reader, secret))];
  for (const target of targets) {
    process.stdout.write(`  ${target.name}:`);
    /** @type {any} */
    const entry = { name: target.name, budget: target.budget, steps: [] };
    for (const inFlight of IN_FLIGHT) {
      const result = await runLoad(stack.appUrl, target, { inFlight, seconds: SECONDS });
      const wrong = unexpectedAnswers(result, target.expectStatus);
      if (wrong) {
        // Reported, not fatal: the table and the budgets say it, and the log says why.
        entry.unexpected = [...(entry.unexpected ?? []), wrong];
        entry.appLog = appLog.split("\n").filter((line) => /error|warn/i.test(line) && !/Request\.cf|ENOTFOUND|GetAddrInfo|callbackTrampoline/.test(line)).slice(-20);
      }
      entry.steps.push(result);
      process.stdout.write(` ${inFlight}→${Math.round(result.rps)}/s`);
    }
    entry.roundTrips = await countRoundTrips(neonHttp, target.send ?? sendTarget(stack.appUrl, target));
    report.routes.push(entry);
    process.stdout.write("\n");
  }

  if (!SKIP.has("storm")) {
    console.log("  credit storm…");
    report.storm = await runCreditStorm({ appUrl: stack.appUrl, pool, secret });
  }
} finally {
  await stack.close();
}

report.seconds = (Date.now() - started) / 1000;
const failed = printReport(report);
const dir = path.join(ROOT, "bench/results");
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, `${report.startedAt.replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(`\nfull report: ${path.relative(process.cwd(), file)} (${report.seconds.toFixed(0)} s)`);
process.exit(failed ? 1 : 0);
