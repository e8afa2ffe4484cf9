/**
 * `npm run bench`: the budgets of DESIGN §11, each as a ratio against a floor measured in the
 * same run (GET /api/ping, no I/O), so the numbers mean the same on any machine.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { startStack } from "../dev/stack.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
const rows = [];

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(name, request, samples = SAMPLES) {
  for (let i = 0; i < 20; i++) await request();
  const times = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    const response = await request();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!response.ok && response.status !== 204) throw new Error(`${name}: HTTP ${response.status} ${await response.text()}`);
  }
  times.sort((a, b) => a - b);
  return { name, p50: percentile(times, 50), p99: percentile(times, 99) };
}

function bundleGzipBytes() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-bundle-"));
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--minify", "--outdir", outdir], {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  let total = 0;
  for (const file of fs.readdirSync(outdir).filter((f) => /\.(m?js|wasm)$/.test(f))) total += zlib.gzipSync(fs.readFileSync(path.join(outdir, file)), { level: 9 }).length;
  fs.rmSync(outdir, { recursive: true, force: true });
  return total;
}

function startupMs() {
  const outfile = path.join(os.tmpdir(), `agentline-startup-${process.pid}.cpuprofile`);
  execFileSync(process.execPath, [path.join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "check", "startup", "--outfile", outfile], {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
  const profile = JSON.parse(fs.readFileSync(outfile, "utf8"));
  fs.rmSync(outfile, { force: true });
  // Busy time: every sample but idle ones, skipping the first delta (the wait before the script ran).
  const names = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  let busyMicros = 0;
  profile.samples.forEach((id, index) => {
    if (index > 0 && names.get(id) !== "(idle)") busyMicros += profile.timeDeltas[index] ?? 0;
  });
  return busyMicros / 1000;
}

// Access logs off: the bench measures requests, not the terminal.
const stack = await startStack({ mode: "test", vars: { LOG_LEVEL: "warn" }, logLevel: "warn" });
try {
  const floor = await measure("GET /api/ping (floor)", () => fetch(`${stack.appUrl}/api/ping`));
  const health = await measure("GET /api/health (1 query)", () => fetch(`${stack.appUrl}/api/health`));
  rows.push({ ...floor, ratio: 1, budget: "floor" });
  rows.push({ ...health, ratio: health.p99 / floor.p99, budget: "reference" });
} finally {
  await stack.close();
}

console.log(`\nAgentline benchmarks (${SAMPLES} sequential requests each, loopback)\n`);
console.log(`${"what".padEnd(44)} ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)} ${"p99/floor".padStart(10)}  budget`);
for (const row of rows) {
  console.log(`${row.name.padEnd(44)} ${row.p50.toFixed(2).padStart(8)} ${row.p99.toFixed(2).padStart(8)} ${row.ratio.toFixed(2).padStart(10)}  ${row.budget}`);
}
const gzip = bundleGzipBytes();
console.log(`\nworker bundle: ${(gzip / 1024).toFixed(1)} KiB gzip (budget 1024 KiB) ${gzip < 1024 * 1024 ? "ok" : "OVER"}`);
const startup = startupMs();
console.log(
  `startup (wrangler check startup, sampled busy time on this machine, profiler overhead included): ${startup.toFixed(1)} ms (budget 50 ms) ${startup < 50 ? "ok" : "OVER"}`,
);
