/**
 * `npm run dev`: the whole product on one machine, with nothing else installed (dev/stack.mjs),
 * on PORT (default 8787), keeping its data in .data/ (AGENTLINE_DATA_DIR elsewhere).
 *
 * It owns what it starts: Ctrl-C, SIGTERM and SIGHUP (the terminal closing) stop everything,
 * and if this process is killed outright its app server is stopped by a guard process
 * (dev/owned-process.mjs). A port that is already taken is reported, with the process holding
 * it, before anything starts.
 */
import fs from "node:fs";
import path from "node:path";
import { readDevVars } from "./dev-vars.mjs";
import { PortTakenError } from "./port-check.mjs";
import { startStack } from "./stack.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
process.chdir(ROOT);

const port = Number(process.env.PORT ?? 8787);
const dataDir = path.resolve(ROOT, process.env.AGENTLINE_DATA_DIR || ".data");
const fileVars = readDevVars(path.join(ROOT, ".dev.vars"));
/** The environment wins over .dev.vars, as docs/architecture.md §9 says. */
const vars = { ...fileVars, ...pickDefined(process.env, Object.keys(fileVars).concat(["DATABASE_URL"])) };
/** @type {Awaited<ReturnType<typeof startStack>> | undefined} */
let stack;
/** @type {ReturnType<typeof startStack> | undefined} */
let starting;
const startup = new AbortController();
let stopping = false;

async function main() {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new PortTakenError(`PORT must be a port number, not "${process.env.PORT}".`);
  fs.mkdirSync(dataDir, { recursive: true });
  starting = startStack({
    port,
    dataDir,
    mode: "sandbox",
    vars,
    // Vite with @cloudflare/vite-plugin: the dashboard with hot reload and the worker at one URL (ADR 0700).
    appServer: "vite",
    onOutput: (text, stream) => (stream === "stdout" ? process.stdout : process.stderr).write(text),
    signal: startup.signal,
  });
  const started = await starting;
  stack = started;
  printReport(started.appUrl, started.services);
  void started.exited.then((code) => {
    if (!stopping) {
      console.error(`The app server exited (${code}); stopping.`);
      void shutdown(code || 1);
    }
  });
}

/** @param {string} appUrl @param {import("./backing-services.mjs").ServiceRow[]} rows */
function printReport(appUrl, rows) {
  const width = Math.max(...rows.map((row) => row.name.length));
  console.log("\n  Agentline is running at \x1b[1m%s\x1b[0m\n", appUrl);
  for (const { name, kind, detail } of rows) console.log(`  ${name.padEnd(width)}  ${kind.padEnd(8)}  ${detail}`);
  console.log("\n  Ctrl-C stops everything.\n");
}

/** @param {NodeJS.ProcessEnv} env @param {string[]} names */
function pickDefined(env, names) {
  return Object.fromEntries(names.filter((name) => env[name]).map((name) => [name, /** @type {string} */ (env[name])]));
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  // Mid-start-up: startStack stops what it has started, then rejects.
  startup.abort();
  await starting?.catch(() => {});
  await stack?.close();
  process.exit(code);
}

// Once the terminal is gone, writing to it fails (EIO); that must not cut the shutdown short.
process.stdout.on("error", () => {});
process.stderr.on("error", () => {});
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
  process.on(signal, () => {
    // A second signal while stopping means "now": the guard still stops the app server.
    if (stopping) process.exit(1);
    void shutdown(0);
  });
}
main().catch((error) => {
  if (stopping) return;
  console.error(error instanceof PortTakenError ? error.message : error instanceof Error ? error.stack : error);
  void shutdown(1);
});
