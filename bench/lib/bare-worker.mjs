/**
 * Runs bench/bare-worker (one Hono route) with the app server the stack uses for the app
 * (dev/app-server.mjs: same `wrangler dev` flags, same assets), so the two differ only in what
 * the worker does per request.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startAppServer } from "../../dev/app-server.mjs";
import { freePort } from "../../dev/stack.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

/** @param {{ assets?: string }} options */
export async function startBareWorker({ assets }) {
  const port = await freePort();
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-bench-bare-"));
  const server = await startAppServer({ port, vars: {}, stateDir, assets, logLevel: "warn", inspector: false, config: path.join(ROOT, "bench/bare-worker/wrangler.toml") });
  return {
    url: server.url,
    async close() {
      await server.close();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
