/**
 * Prints the run as a short table and judges the budgets of docs/architecture.md §11. Every latency and
 * throughput is shown beside its ratio to the floor (GET /api/ping) at the same load.
 * Returns true when any budget failed.
 */
const KIB = 1024;

/** @param {any} report */
export function printReport(report) {
  const floor = report.routes.find((route) => route.name === "GET /api/ping");
  const budgets = [];
  const judge = (name, value, limit, ok) => {
    budgets.push({ name, value, limit, ok });
    return `${ok ? "ok" : "OVER"}`;
  };

  console.log(`\nAgentline bench — ${report.startedAt}, ${report.secondsPerStep} s per step, loopback, ratios to GET /api/ping at the same load\n`);
  console.log(`${"route".padEnd(34)}${"in flight".padStart(10)}${"req/s".padStart(9)}${"×floor".padStart(8)}${"p50 ms".padStart(9)}${"p95 ms".padStart(9)}${"p99 ms".padStart(9)}${"p99×floor".padStart(11)}${"db trips".padStart(10)}`);
  for (const route of report.routes) {
    route.steps.forEach((step, index) => {
      const base = floor?.steps[index];
      const trips = index === 0 && route.roundTrips ? route.roundTrips.perRequest.toFixed(1) : "";
      console.log(
        `${(index === 0 ? route.name : "").padEnd(34)}${String(step.inFlight).padStart(10)}${step.rps.toFixed(0).padStart(9)}` +
          `${ratio(step.rps, base?.rps).padStart(8)}${ms(step.p50)}${ms(step.p95)}${ms(step.p99)}${ratio(step.p99, base?.p99).padStart(11)}${trips.padStart(10)}`,
      );
    });
    if (route.unexpected) {
      judge(`${route.name} answers only 2xx`, route.unexpected.join("; "), "none", false);
      for (const line of route.appLog ?? []) console.log(`    app: ${line.slice(0, 200)}`);
    }
    for (const limit of route.budget?.p99TimesFloor ? [route.budget.p99TimesFloor] : []) {
      const worst = Math.max(...route.steps.map((step, index) => step.p99 / floor.steps[index].p99));
      judge(`${route.name} p99 ≤ ${limit}× floor`, worst, limit, worst <= limit);
    }
    if (route.budget?.maxRoundTrips !== undefined && route.roundTrips) {
      judge(`${route.name} ≤ ${route.budget.maxRoundTrips} db round trip(s)`, route.roundTrips.max, route.budget.maxRoundTrips, route.roundTrips.max <= route.budget.maxRoundTrips);
    }
  }

  const { floor: floorBudget, build, storm } = report;
  console.log("");
  if (floorBudget) {
    judge("floor: /api/ping ≥ 90% of a bare Hono worker's throughput", floorBudget.throughputRatio, 0.9, floorBudget.throughputRatio >= 0.9);
    console.log(`floor budget: our /api/ping at ${floorBudget.inFlight} in flight keeps ${(floorBudget.throughputRatio * 100).toFixed(0)}% of a bare Hono worker's throughput (${floorBudget.rounds.map((r) => `${r.appRps.toFixed(0)}/${r.bareRps.toFixed(0)}`).join(", ")} req/s, alternated)`);
  }
  if (build) {
    judge("worker bundle < 1024 KiB gzip", build.bundleGzipBytes / KIB, 1024, build.bundleGzipBytes < 1024 * KIB);
    judge("startup < 50 ms (minimum of the runs)", build.startupMs.min, 50, build.startupMs.min < 50);
    console.log(`worker bundle: ${(build.bundleGzipBytes / KIB).toFixed(1)} KiB gzip`);
    console.log(`startup: ${build.startupMs.min.toFixed(1)} ms busy (min of ${build.startupMs.samples.length}; median ${build.startupMs.median.toFixed(1)} ms)`);
  }
  if (storm) {
    judge("credit storm: every balance exact, no call billed twice, no hold left, ledger clean", storm.problems.length, 0, storm.problems.length === 0);
    console.log(
      `credit storm: ${storm.reports} end-of-call reports (${storm.duplicates} duplicates) and ${storm.assistantRequests} assistant-requests for ${storm.owners} owners, ` +
        `${storm.inFlight} in flight, in ${storm.seconds.toFixed(1)} s: ${storm.reportsPerSecond.toFixed(0)} reports/s; ${storm.acceptedCalls} calls taken ` +
        `(${storm.cutShort} cut short by their hold), ${storm.refusedCalls} refused for credit; ${storm.problems.length ? `${storm.problems.length} PROBLEMS` : "every balance exact, none billed twice, no hold left, ledger clean"}`,
    );
    for (const problem of storm.problems.slice(0, 10)) console.log(`  ${problem}`);
  }
  console.log("\nbudgets:");
  for (const budget of budgets) console.log(`  ${budget.ok ? "ok  " : "OVER"}  ${budget.name}: ${typeof budget.value === "number" ? round(budget.value) : budget.value}`);
  report.budgets = budgets;
  return budgets.some((budget) => !budget.ok);
}

function ratio(value, base) {
  return base ? `${(value / base).toFixed(2)}` : "";
}

function ms(value) {
  return (Number.isFinite(value) ? value.toFixed(1) : "-").padStart(9);
}

function round(value) {
  return Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}
