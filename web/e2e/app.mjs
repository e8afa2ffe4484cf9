/**
 * Starts the product exactly as `npm run dev` does (node dev/dev.mjs), on a free port with a
 * fresh data folder, and reads the stand-ins' URLs from its banner. The browser tests need
 * the sandbox: a stand-in that is not running (a real key in .dev.vars) stops them.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const NEEDED = ["vapi", "stripe", "openrouter", "smtp"];

export async function startApp() {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-e2e-"));
  const child = spawn(process.execPath, [path.join(ROOT, "dev", "dev.mjs")], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), AGENTLINE_DATA_DIR: dataDir, BROWSER: "none" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const appUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (!/Ctrl-C stops everything/.test(output)) {
    if (child.exitCode !== null) throw new Error(`npm run dev exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`npm run dev did not start in 120 s:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const standIns = {};
  for (const match of output.matchAll(/^\s+(\w+)\s+stand-in\s+(?:SMTP on \S+; inbox at (\S+)\/messages|(\S+))\s*$/gm)) {
    standIns[match[1]] = match[2] ?? match[3];
  }
  const missing = NEEDED.filter((name) => !standIns[name]);
  const app = {
    appUrl,
    standIns,
    output: () => output,
    async close() {
      try {
        process.kill(-(/** @type {number} */ (child.pid)), "SIGTERM");
      } catch {}
      await new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(undefined);
        child.once("exit", resolve);
        setTimeout(() => {
          try {
            process.kill(-(/** @type {number} */ (child.pid)), "SIGKILL");
          } catch {}
          resolve(undefined);
        }, 10_000).unref();
      });
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (missing.length) {
    await app.close();
    throw new Error(`the browser tests need the sandbox, but ${missing.join(", ")} would be real (remove their keys from .dev.vars)`);
  }
  // The first request compiles the worker and the page: warm both before any test times them.
  for (let i = 0; i < 120; i += 1) {
    const ping = await fetch(`${appUrl}/api/ping`).catch(() => null);
    if (ping?.status === 204) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  await fetch(`${appUrl}/`).catch(() => null);
  return app;
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
