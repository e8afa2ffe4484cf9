/**
 * The dashboard and the API at one URL: Vite serves web/ with hot reload, and
 * @cloudflare/vite-plugin runs the worker (with its Durable Object and queue) inside the same
 * dev server. The worker answers /api/* first (`run_worker_first`); every other path is the SPA.
 * Production is different on purpose (ADR 0004): Pages serves web/dist, the worker owns /api/*.
 */
import path from "node:path";
import { cloudflare } from "@cloudflare/vite-plugin";
import { createServer } from "vite";

/**
 * @param {{ root: string, port: number, workerVars: Record<string, string>, persistTo: string, logLevel?: "info" | "warn" | "error" | "silent" }} options
 */
export async function startViteServer({ root, port, workerVars, persistTo, logLevel = "info" }) {
  const server = await createServer({
    configFile: path.join(root, "web", "vite.config.ts"),
    logLevel,
    clearScreen: false,
    server: { host: "127.0.0.1", port, strictPort: true },
    plugins: [
      cloudflare({
        configPath: path.join(root, "wrangler.toml"),
        persistState: { path: persistTo },
        inspectorPort: false,
        config: {
          vars: workerVars,
          assets: { not_found_handling: "single-page-application", run_worker_first: ["/api/*"] },
        },
      }),
    ],
  });
  await server.listen();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => server.close(),
  };
}
