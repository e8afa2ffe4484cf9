/**
 * The two figures taken from the built worker: its gzip size as `wrangler deploy` would upload
 * it, and its startup CPU as `wrangler check startup` profiles it.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const WRANGLER = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");

function wrangler(args) {
  execFileSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, stdio: "ignore", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
}

/** Gzip bytes (level 9) of the worker's code, built as `npm run deploy` builds it. */
export function bundleGzipBytes() {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-bundle-"));
  try {
    wrangler(["deploy", "--dry-run", "--outdir", outdir]);
    let total = 0;
    for (const file of fs.readdirSync(outdir).filter((name) => /\.(m?js|wasm)$/.test(name))) {
      total += zlib.gzipSync(fs.readFileSync(path.join(outdir, file)), { level: 9 }).length;
    }
    return total;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * Startup busy time in ms, `runs` times over one build. The profiler samples wall time, so on a
 * shared machine another process's slice lands in our samples: the minimum is the figure least
 * disturbed by neighbours and the one judged; the median is printed beside it.
 */
export function startupBusyMs(runs = 5) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-startup-"));
  try {
    const bundle = path.join(dir, "worker.bundle");
    wrangler(["deploy", "--dry-run", "--outfile", bundle]);
    const samples = [];
    for (let run = 0, attempts = 0; samples.length < runs; run++) {
      const file = path.join(dir, `run-${run}.cpuprofile`);
      wrangler(["check", "startup", "--worker", bundle, "--outfile", file]);
      const profile = JSON.parse(fs.readFileSync(file, "utf8"));
      // Now and then the profiler records nothing but idle (0 ms): not a measurement, and as the
      // minimum it would pass any bundle. Such a run is taken again.
      if (profiledScript(profile)) samples.push(busyMs(profile));
      else if (++attempts > runs) throw new Error("wrangler check startup keeps writing empty profiles");
    }
    samples.sort((a, b) => a - b);
    return { min: samples[0], median: samples[Math.floor(samples.length / 2)], samples };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether the profile saw any script run (the worker's or workerd's own modules). */
export function profiledScript(profile) {
  return profile.nodes.some((node) => node.callFrame.url !== "");
}

/** Every sample but idle ones, skipping the first delta (the wait before the script ran). */
export function busyMs(profile) {
  const names = new Map(profile.nodes.map((node) => [node.id, node.callFrame.functionName]));
  let busyMicros = 0;
  profile.samples.forEach((id, index) => {
    if (index > 0 && names.get(id) !== "(idle)") busyMicros += profile.timeDeltas[index] ?? 0;
  });
  return busyMicros / 1000;
}
