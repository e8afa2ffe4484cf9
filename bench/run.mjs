/**
 * `npm run bench`: the budgets of DESIGN §11 (bench/README.md says how to read each figure).
 * Latencies and throughput are judged as ratios against the floor (GET /api/ping) measured in
 * the same run, so they mean the same on any machine. Writes bench/results/<time>.json, prints
 * a table, and exits 1 when a hard budget fails.
 *
 * BENCH_SECONDS (default 3) per load step; BENCH_STARTUP_RUNS (default 5).
 */
import fs from "node:fs";
import path from "node:path";
import { startStack } from "../dev/stack.mjs";
import { apiTargets } from "./lib/api-targets.mjs";
import { measureFloorBudget } from "./lib/floor.mjs";
import { assertStatuses, runLoad } from "./lib/load.mjs";
import { printReport } from "./lib/report.mjs";
import { countRoundTrips, sendTarget } from "./lib/round-trips.mjs";
import { bundleGzipBytes, startupBusyMs } from "./lib/worker-build.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const IN_FLIGHT = [1, 10, 50];
const started = Date.now();

const report = { startedAt: new Date(started).toISOString(), secondsPerStep: SECONDS, build: {}, floor: {}, routes: [], budgets: [] };

console.log("building the worker: bundle size and startup CPU…");
report.build.bundleGzipBytes = bundleGzipBytes();
report.build.startupMs = startupBusyMs(Number(process.env.BENCH_STARTUP_RUNS ?? 5));

console.log("starting the app (wrangler dev, local database, stand-ins) and the bare reference worker…");
// The dashboard folder `npm run dev` serves when none is built; the bare worker gets the same.
const ASSETS = "web/public";
// Access logs off: the bench measures requests, not the terminal.
const stack = await startStack({ mode: "test", vars: { LOG_LEVEL: "warn" }, logLevel: "warn", assets: ASSETS });
// wrangler runs in its own process group: stop it however this run ends.
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stack.close().finally(() => process.exit(130)));
process.on("uncaughtException", (error) => {
  console.error(error);
  stack.close().finally(() => process.exit(1));
});
try {
  report.floor = await measureFloorBudget(stack.appUrl, { seconds: SECONDS, assets: ASSETS });
  const targets = await apiTargets(stack.appUrl);
  for (const target of targets) {
    process.stdout.write(`  ${target.name}:`);
    const entry = { name: target.name, steps: [] };
    for (const inFlight of IN_FLIGHT) {
      const result = await runLoad(stack.appUrl, target, { inFlight, seconds: SECONDS });
      assertStatuses(target.name, result, target.expectStatus);
      entry.steps.push(result);
      process.stdout.write(` ${inFlight}→${Math.round(result.rps)}/s`);
    }
    entry.roundTrips = await countRoundTrips(stack.neonHttp, target.send ?? sendTarget(stack.appUrl, target));
    report.routes.push(entry);
    process.stdout.write("\n");
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
