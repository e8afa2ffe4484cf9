/**
 * Starts the product exactly as `npm run dev` does (node dev/dev.mjs), on a free port with a
 * fresh data folder, and reads the stand-ins' URLs from its banner. The browser tests need
 * the sandbox: a stand-in that is not running (a real key in .dev.vars) stops them.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnOwned } from "../../dev/owned-process.mjs";
import { freePort } from "../../dev/stack.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const NEEDED = ["vapi", "stripe", "openrouter", "smtp"];

export async function startApp() {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-e2e-"));
  // Owned: if the test run dies, the guard still stops the app and its workerd.
  const dev = spawnOwned(process.execPath, [path.join(ROOT, "dev", "dev.mjs")], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), AGENTLINE_DATA_DIR: dataDir },
    graceMs: 10_000,
  });
  const child = dev.child;
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const appUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (!/Ctrl-C stops everything/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await dev.stop();
      throw new Error(`npm run dev ${child.exitCode !== null ? `exited (${child.exitCode})` : "did not start in 120 s"}:\n${output}`);
    }
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
      await dev.stop();
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
