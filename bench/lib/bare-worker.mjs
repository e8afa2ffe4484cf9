/**
 * Runs bench/bare-worker (one Hono route) under `wrangler dev` with the flags dev/stack.mjs
 * gives the app, so the two differ only in what the worker does per request.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

export async function startBareWorker() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-bench-bare-"));
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "dev", "-c", path.join(ROOT, "bench/bare-worker/wrangler.toml"),
      "--ip", "127.0.0.1", "--port", String(port), "--persist-to", path.join(dir, "state"),
      "--show-interactive-dev-session=false", "--log-level", "warn"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while ((await fetch(`${url}/api/ping`).catch(() => null))?.status !== 204) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the bare worker did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    url,
    async close() {
      try {
        process.kill(-(/** @type {number} */ (child.pid)), "SIGTERM");
      } catch {}
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
