/**
 * `npm run dev` owns what it starts: each way it can be stopped (Ctrl-C, SIGTERM, the terminal
 * closing, being killed outright) frees its port and leaves no wrangler or workerd behind; and
 * a taken port is one line naming its holder, said before anything starts. Linux-only: the
 * processes are read from /proc.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandOf, descendantsOf, eventually, isRunning } from "./support/processes";

const ROOT = path.resolve(__dirname, "../..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on("error", reject);
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** `npm run dev`, as npm runs it, on `port` with its data in `dataDir`. */
function runDev(port: number, dataDir: string) {
  const child = spawn(process.execPath, ["dev/dev.mjs"], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), AGENTLINE_DATA_DIR: dataDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function waitUntilRunning(dev: ReturnType<typeof runDev>) {
  const ready = await eventually(() => dev.stdout().includes("Ctrl-C stops everything.") || dev.child.exitCode !== null, 150_000);
  expect(ready && dev.child.exitCode === null, `npm run dev did not start:\n${dev.stdout()}\n${dev.stderr()}`).toBe(true);
}

describe.skipIf(process.platform !== "linux")("npm run dev owns its processes", () => {
  let dataDir: string;
  const started: ChildProcess[] = [];
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-dev-"));
  });
  afterAll(() => {
    for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("says in one line which process holds a taken port, and starts nothing", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const dev = runDev(port, path.join(dataDir, "refused"));
      started.push(dev.child);
      expect(await dev.exited).toBe(1);
      const lines = dev.stderr().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Port ${port} is already in use by pid ${process.pid} \\(.*node.*\\)`));
      expect(dev.stdout()).toBe("");
      expect(fs.existsSync(path.join(dataDir, "refused", "pglite"))).toBe(false);
    } finally {
      holder.close();
    }
  });

  it("Ctrl-C during start-up stops what has started and exits cleanly", async () => {
    const port = await freePort();
    const dev = runDev(port, dataDir);
    started.push(dev.child);
    const appServerStarted = await eventually(() => descendantsOf(dev.child.pid!).some((pid) => /wrangler/.test(commandOf(pid))), 60_000);
    expect(appServerStarted, dev.stderr()).toBe(true);
    const children = descendantsOf(dev.child.pid!);
    dev.child.kill("SIGINT");
    expect(await dev.exited).toBe(0);
    expect(dev.stdout()).not.toContain("Agentline is running");
    expect(await eventually(async () => !children.some(isRunning) && (await portIsFree(port)), 20_000)).toBe(true);
  }, 200_000);

  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGKILL"] as const) {
    it(`${signal} stops wrangler and workerd and frees the port`, async () => {
      const port = await freePort();
      const dev = runDev(port, dataDir);
      started.push(dev.child);
      await waitUntilRunning(dev);
      expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
      const children = descendantsOf(dev.child.pid!);
      const commands = children.map(commandOf).join("\n");
      expect(commands).toMatch(/wrangler/);
      expect(commands).toMatch(/workerd/);

      dev.child.kill(signal);
      const code = await dev.exited;
      if (signal !== "SIGKILL") expect(code).toBe(0);
      const cleanedUp = await eventually(async () => !children.some(isRunning) && (await portIsFree(port)), 20_000);
      const left = children.filter(isRunning).map((pid) => `${pid} ${commandOf(pid)}`);
      expect(left, `still running after ${signal}`).toEqual([]);
      expect(cleanedUp && (await portIsFree(port))).toBe(true);
    }, 200_000);
  }
});
