/**
 * The dashboard and the API at one URL, as `npm run dev`'s app server (dev/app-server.mjs runs
 * this file as an owned child process): Vite serves web/ with hot reload, and
 * @cloudflare/vite-plugin runs the worker from wrangler.toml (its Durable Object and queue
 * included) inside the same dev server. The worker answers /api/* first
 * (`run_worker_first`); every other path is the SPA. Production differs on purpose (ADR 0004):
 * Pages serves web/dist and the worker owns /api/*. See ADR 0700.
 *
 *   node dev/vite-server.mjs --port 8787 --env-file worker.env --persist-to .data/wrangler
 */
import path from "node:path";
import { cloudflare } from "@cloudflare/vite-plugin";
import { createServer } from "vite";
import { parseCliArgs } from "./cli-args.mjs";
import { readDevVars } from "./dev-vars.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const USAGE = "usage: node dev/vite-server.mjs --port N --env-file FILE --persist-to DIR [--log-level info|warn|error]";

/**
 * @param {{ port: number, workerVars: Record<string, string>, persistTo: string, logLevel?: "info" | "warn" | "error" | "silent" }} options
 *   `workerVars` are the worker's variables and secrets, given to the plugin (not written into
 *   wrangler.toml, whose production worker has no assets).
 */
export async function startViteServer({ port, workerVars, persistTo, logLevel = "info" }) {
  const server = await createServer({
    configFile: path.join(ROOT, "web", "vite.config.ts"),
    logLevel,
    clearScreen: false,
    server: { host: "127.0.0.1", port, strictPort: true },
    plugins: [
      cloudflare({
        configPath: path.join(ROOT, "wrangler.toml"),
        persistState: { path: persistTo },
        inspectorPort: false,
        config: {
          vars: workerVars,
          assets: { not_found_handling: "single-page-application", run_worker_first: ["/api/*", "/sandbox"] },
        },
      }),
    ],
  });
  await server.listen();
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const flags = parseCliArgs(
    { port: { type: "string" }, "env-file": { type: "string" }, "persist-to": { type: "string" }, "log-level": { type: "string" } },
    USAGE,
  );
  if (!flags.port || !flags["env-file"] || !flags["persist-to"]) {
    console.error(USAGE);
    process.exit(2);
  }
  const level = flags["log-level"];
  const server = await startViteServer({
    port: Number(flags.port),
    workerVars: readDevVars(flags["env-file"]),
    persistTo: path.resolve(flags["persist-to"]),
    logLevel: level === "warn" || level === "error" ? level : "info",
  });
  const stop = () => server.close().finally(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
