#!/usr/bin/env node
// npm test: the worker suite as two shards and the Node-side tools' suite, all three at once.
// Within a shard the worker files run one at a time in one workerd (they share a database and
// the stand-ins), which leaves most of a core idle: each shard gets its own database and stand-ins
// from test/global-setup.ts, so two run side by side (as CI's PostgreSQL pass does), and the node
// project, mostly waiting on the processes it starts, runs beside them (ADR 1010).
// `npm test -- <vitest arguments>` (a file, --project, -t …) is one plain `vitest run` instead.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const VITEST = path.join(ROOT, "node_modules", ".bin", "vitest");
const SHARDS = 2;

/** Runs `vitest run …args`; with a label, each output line is prefixed so the shards can be told apart. */
function vitest(args, label) {
  return new Promise((resolve) => {
    const child = spawn(VITEST, ["run", ...args], { cwd: ROOT, stdio: label ? ["ignore", "pipe", "pipe"] : "inherit" });
    if (label) {
      for (const stream of [child.stdout, child.stderr]) {
        if (!stream) continue;
        let rest = "";
        stream.setEncoding("utf8");
        stream.on("data", (chunk) => {
          const lines = (rest + chunk).split("\n");
          rest = lines.pop() ?? "";
          for (const line of lines) process.stdout.write(`[${label}] ${line}\n`);
        });
        stream.on("end", () => rest && process.stdout.write(`[${label}] ${rest}\n`));
      }
    }
    // Ctrl-C and SIGTERM reach the children through the process group; exit with them.
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const passThrough = process.argv.slice(2);
if (passThrough.length) process.exit(await vitest(passThrough));

// "worker*": the `worker` project and `worker-fresh` (the files that need a workerd of their own).
const shards = Array.from({ length: SHARDS }, (_, i) => vitest(["--project", "worker*", `--shard=${i + 1}/${SHARDS}`], `worker ${i + 1}/${SHARDS}`));
const node = vitest(["--project", "node"], "node");
const workerCodes = await Promise.all(shards);
const nodeCode = await node;
const failed = [...workerCodes.map((code, i) => (code ? `worker shard ${i + 1}/${SHARDS}` : null)), nodeCode ? "node" : null].filter(Boolean);
console.log(failed.length ? `\nnpm test: failed in ${failed.join(", ")}` : "\nnpm test: every project passed");
process.exit(failed.length ? 1 : 0);
