/**
 * dev/worker-server.mjs, the bench's app server (ADR 0903): wrangler's `unstable_startWorker`
 * without the DevTools inspector. It must bundle with Node.js compatibility as `wrangler dev`
 * does (the API leaves that to its caller), serve the worker, open no inspector, and stop with
 * its owner.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startAppServer } from "../../dev/app-server.mjs";
import { freePort } from "../../dev/stack.mjs";
import { commandOf, descendantsOf } from "./support/processes";

const ROOT = path.resolve(__dirname, "../..");
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-worker-server-"));
afterAll(() => fs.rmSync(stateDir, { recursive: true, force: true }));

describe("dev/worker-server.mjs", () => {
  it("serves the app with Node.js compatibility and no inspector, and stops with its owner", async () => {
    const port = await freePort();
    const server = await startAppServer({ port, vars: { LOG_LEVEL: "warn" }, stateDir, logLevel: "warn", inspector: false });
    try {
      // /api/ping answers once the bundle loaded: without nodejs_compat it fails to build at all.
      expect((await fetch(`${server.url}/api/ping`)).status).toBe(204);
      // No workerd under it listens for DevTools: `wrangler dev` passes --inspector-addr to workerd.
      const workerd = descendantsOf(process.pid).map(commandOf).filter((command) => /workerd/.test(command));
      expect(workerd.length).toBeGreaterThan(0);
      expect(workerd.filter((command) => /--inspector-addr/.test(command))).toEqual([]);
    } finally {
      await server.close();
    }
    await expect(fetch(`${server.url}/api/ping`)).rejects.toThrow();
  }, 120_000);

  it("refuses assets, which it does not serve", async () => {
    await expect(startAppServer({ port: await freePort(), vars: {}, stateDir, assets: path.join(ROOT, "web"), inspector: false })).rejects.toThrow(/no assets/);
  });
});
