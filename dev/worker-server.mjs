/**
 * `wrangler dev` without the DevTools inspector, for the bench (ADR 0903). It runs the worker
 * through wrangler's own `unstable_startWorker`, the function the `wrangler dev` command calls:
 * same bundling, Miniflare, Durable Objects, queues and proxy. The one difference is that no
 * inspector is opened, and so none is attached. Under `wrangler dev`, wrangler's inspector proxy
 * sends the runtime `Network.enable`, and every subrequest then streams DevTools network events.
 * Measured here, that makes a loopback subrequest cost 3–5 ms instead of about 0.5. It is a
 * debugger's cost that production never pays, so it must not count against a route's budget.
 *
 * Same flags as dev/app-server.mjs passes to `wrangler dev`; stops on SIGTERM/SIGINT.
 */
import path from "node:path";
import { parseCliArgs } from "./cli-args.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const USAGE = "usage: node dev/worker-server.mjs --port N --env-file FILE --persist-to DIR [--config wrangler.toml] [--log-level warn]";

const args = parseCliArgs(
  {
    ip: { type: "string", default: "127.0.0.1" },
    port: { type: "string" },
    "env-file": { type: "string" },
    "persist-to": { type: "string" },
    config: { type: "string", default: path.join(ROOT, "wrangler.toml") },
    "log-level": { type: "string", default: "log" },
  },
  USAGE,
);
if (!args.port || !args["env-file"] || !args["persist-to"]) {
  console.error(USAGE);
  process.exit(2);
}

const { unstable_startWorker } = await import("wrangler");
const worker = await unstable_startWorker({
  config: path.resolve(args.config),
  envFiles: [path.resolve(args["env-file"])],
  // The `wrangler dev` command derives this from the configuration's flags; the API leaves it to
  // the caller (null would bundle without Node.js compatibility). Our date is past nodejs_compat v2's.
  build: { nodejsCompatMode: (config) => (config.compatibility_flags.includes("nodejs_compat") ? "v2" : null) },
  dev: {
    inspector: false,
    server: { hostname: args.ip, port: Number(args.port) },
    persist: path.resolve(args["persist-to"]),
    logLevel: /** @type {"debug" | "info" | "log" | "warn" | "error"} */ (args["log-level"]),
    watch: false,
    liveReload: false,
  },
});
await worker.ready;

let stopping = false;
for (const signal of /** @type {const} */ (["SIGTERM", "SIGINT", "SIGHUP"])) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    worker.dispose().finally(() => process.exit(0));
  });
}
