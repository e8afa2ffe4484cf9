/**
 * Starts a throwaway copy of the product for measurements: in-memory PGlite behind the local
 * Neon-HTTP endpoint, every stand-in, and `wrangler dev` on a free port.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "./db/backend.mjs";
import { applyMigrations } from "./db/migrate.mjs";
import { startNeonHttp } from "./db/neon-http.mjs";
import { formatDevVars } from "./dev-vars.mjs";
import { startStandIns } from "./stand-ins/index.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

/** @param {{ mode?: "test" | "sandbox" }} [options] */
export async function startStack({ mode = "test" } = {}) {
  const port = await freePort();
  const appUrl = `http://127.0.0.1:${port}`;
  const database = await openDatabase({ dataDir: null });
  await applyMigrations(database.pool);
  const neonHttp = await startNeonHttp({ pool: database.pool, kind: database.kind });
  const standIns = await startStandIns({ appUrl });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-bench-"));
  const envFile = path.join(dir, "bench.env");
  fs.writeFileSync(
    envFile,
    formatDevVars({
      ...standIns.bindings,
      APP_URL: appUrl,
      DATABASE_URL: "postgresql://agentline:agentline@db.agentline.bench/agentline",
      NEON_FETCH_ENDPOINT: neonHttp.url,
      AGENTLINE_MODE: mode,
      LOG_LEVEL: "warn",
    }),
  );
  const wrangler = spawn(
    process.execPath,
    [path.join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "dev", "--ip", "127.0.0.1", "--port", String(port),
      "--env-file", envFile, "--persist-to", path.join(dir, "state"), "--show-interactive-dev-session=false", "--log-level", "warn"],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
  );
  let output = "";
  wrangler.stdout.on("data", (chunk) => (output += chunk));
  wrangler.stderr.on("data", (chunk) => (output += chunk));
  await waitFor(async () => (await fetch(`${appUrl}/api/ping`).catch(() => null))?.status === 204, 60_000, () => output);

  return {
    appUrl,
    /** The database behind the endpoint, for seeding and checking from Node. */
    pool: database.pool,
    neonHttp,
    standIns,
    async close() {
      try {
        process.kill(-(/** @type {number} */ (wrangler.pid)), "SIGTERM");
      } catch {}
      await standIns.close();
      await neonHttp.close();
      await database.close();
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

async function waitFor(check, timeoutMs, describe) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not start within ${timeoutMs} ms:\n${describe()}`);
}
