/**
 * The app server of the local stack: `wrangler dev` (tests, bench), which serves the worker (with
 * its Durable Object and queue) and the dashboard's files at one URL, or, for `npm run dev`, Vite
 * with @cloudflare/vite-plugin (dev/vite-server.mjs): the same worker plus the dashboard's source
 * with hot reload (ADR 0700). Everything else about the
 * stack (database, stand-ins, which variables the worker gets) is dev/stack.mjs's business;
 * this module only turns variables into a running server, and owns that server's processes
 * (dev/owned-process.mjs): they stop with us however we stop.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatDevVars } from "./dev-vars.mjs";
import { spawnOwned } from "./owned-process.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

/**
 * @typedef {{ url: string, exited: Promise<number | null>, close: () => Promise<void> }} AppServer
 *   `exited` settles if the server stops on its own (with its exit code); `close` stops it.
 */

/**
 * Starts the app server and resolves once it answers GET /api/ping.
 * @param {{ port: number, vars: Record<string, string>, stateDir: string, assets?: string, kind?: "wrangler" | "vite",
 *   logLevel?: "debug" | "info" | "log" | "warn" | "error", onOutput?: (text: string, stream: "stdout" | "stderr") => void,
 *   readyTimeoutMs?: number, signal?: AbortSignal, config?: string, inspector?: boolean }} options
 *   `vars` are the worker's variables and secrets; `stateDir` keeps the Durable Object's and
 *   the queue's local state; `assets` is the dashboard folder served next to the API (wrangler);
 *   `kind` "vite" runs dev/vite-server.mjs instead of `wrangler dev`;
 *   `onOutput` receives the server's own output (dropped when absent); aborting `signal` before
 *   the server is ready stops it and rejects. `config`: another wrangler.toml (the bench's bare
 *   reference worker runs under exactly the same flags). `inspector: false` (wrangler only) runs
 *   dev/worker-server.mjs: `wrangler dev` without the DevTools inspector, for the bench (ADR 0903).
 * @returns {Promise<AppServer>}
 */
export async function startAppServer({ port, vars, stateDir, assets, kind = "wrangler", logLevel, onOutput, readyTimeoutMs = 120_000, signal, config, inspector = true }) {
  const url = `http://127.0.0.1:${port}`;
  // The variables include secrets: a private file rather than the command line, which `ps` shows.
  const varsDir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-app-"));
  const envFile = path.join(varsDir, "worker.env");
  fs.writeFileSync(envFile, formatDevVars(vars), { mode: 0o600 });
  const headless = kind === "wrangler" && !inspector;
  if (headless && assets) throw new Error("startAppServer: inspector: false serves no assets (the bench runs the API alone)");
  const args =
    kind === "vite"
      ? [path.join(ROOT, "dev", "vite-server.mjs"), "--port", String(port), "--env-file", envFile, "--persist-to", stateDir]
      : headless
        ? [path.join(ROOT, "dev", "worker-server.mjs"), "--ip", "127.0.0.1", "--port", String(port), "--env-file", envFile, "--persist-to", stateDir]
        : [path.join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"), "dev",
            "--ip", "127.0.0.1", "--port", String(port), "--env-file", envFile, "--persist-to", stateDir,
            "--show-interactive-dev-session=false"];
  if (config && kind === "wrangler") args.push("--config", config);
  if (assets && kind === "wrangler") args.push("--assets", assets);
  if (logLevel) args.push("--log-level", logLevel);
  const server = spawnOwned(process.execPath, args, { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });

  let recent = "";
  /** @param {"stdout" | "stderr"} stream */
  const relay = (stream) => (/** @type {Buffer} */ chunk) => {
    const text = chunk.toString();
    recent = (recent + text).slice(-4000);
    onOutput?.(text, stream);
  };
  server.child.stdout.on("data", relay("stdout"));
  server.child.stderr.on("data", relay("stderr"));
  const close = async () => {
    await server.stop();
    fs.rmSync(varsDir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(url, server.exited, readyTimeoutMs, signal);
  } catch (error) {
    await close();
    if (signal?.aborted) throw error;
    throw new Error(`${/** @type {Error} */ (error).message}\n${recent}`);
  }
  return { url, exited: server.exited, close };
}

/** @param {string} url @param {Promise<number | null>} exited @param {number} timeoutMs @param {AbortSignal} [signal] */
async function waitUntilReady(url, exited, timeoutMs, signal) {
  let exitCode = /** @type {number | null | undefined} */ (undefined);
  void exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (exitCode !== undefined) throw new Error(`the app server exited (${exitCode}) before it was ready`);
    const response = await fetch(`${url}/api/ping`).catch(() => null);
    if (response?.status === 204) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the app server did not answer ${url}/api/ping within ${timeoutMs} ms`);
}
