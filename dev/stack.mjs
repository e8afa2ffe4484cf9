/**
 * The whole product on one machine, started one way for `npm run dev`, the Node-side tests
 * (test/dev/) and the bench: the backing services (dev/backing-services.mjs: the database behind
 * the local Neon-HTTP endpoint, a stand-in per service without a key) and the app server
 * (dev/app-server.mjs) with the worker's variables pointing at them.
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startAppServer } from "./app-server.mjs";
import { startBackingServices } from "./backing-services.mjs";
import { assertPortFree } from "./port-check.mjs";

/**
 * @typedef {import("./backing-services.mjs").ServiceRow} ServiceRow
 * @typedef {import("./backing-services.mjs").StandIns} StandIns
 */

/**
 * @param {{ port?: number, dataDir?: string | null, mode?: "sandbox" | "test", vars?: Record<string, string>,
 *   assets?: string, appServer?: "wrangler" | "vite", logLevel?: "debug" | "info" | "log" | "warn" | "error",
 *   onOutput?: (text: string, stream: "stdout" | "stderr") => void, signal?: AbortSignal, inspector?: boolean }} [options]
 *   `port`: 0 or absent picks a free one; a taken port fails before anything starts.
 *   `dataDir`: where the database and the app server's state live (`.data` for `npm run dev`);
 *   null keeps the database in memory and the state in a temporary folder removed on close.
 *   `vars`: the developer's variables (.dev.vars, then the environment): real keys and base-URL
 *   overrides replace stand-ins, and every variable reaches the worker.
 *   `appServer`: "vite" serves the dashboard's source with hot reload beside the worker
 *   (`npm run dev`); "wrangler" (the default) serves built files, as the tests and bench need.
 *   `signal`: aborting it during start-up stops what has started and rejects. `inspector: false`:
 *   no DevTools inspector (the bench; ADR 0903).
 * @returns {Promise<{ appUrl: string, services: ServiceRow[], standIns: StandIns,
 *   neonHttp: { url: string, password: string, readonly requestsReceived: number } | null,
 *   database: import("./backing-services.mjs").Database | null,
 *   exited: Promise<number | null>, close: () => Promise<void> }>}
 */
export async function startStack({ port = 0, dataDir = null, mode = "sandbox", vars = {}, assets, appServer = "wrangler", logLevel, onOutput, signal, inspector } = {}) {
  if (port) await assertPortFree(port);
  else port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const backing = await startBackingServices({ appUrl, dataDir, mode, vars, signal });
  /** @type {(() => Promise<unknown> | void)[]} */
  const cleanups = [() => backing.close()];
  const close = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    let stateDir = dataDir && path.join(dataDir, "wrangler");
    if (!stateDir) {
      const temporary = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-stack-"));
      cleanups.push(() => fs.rmSync(temporary, { recursive: true, force: true }));
      stateDir = temporary;
    }
    const app = await startAppServer({ port, vars: backing.workerVars, stateDir, assets, kind: appServer, logLevel, onOutput, signal, inspector });
    cleanups.push(() => app.close());
    const { services, standIns, neonHttp, database } = backing;
    return { appUrl, services, standIns, neonHttp, database, exited: app.exited, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}
