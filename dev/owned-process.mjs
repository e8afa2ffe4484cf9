/**
 * Child processes that never outlive the process that started them (`npm run dev`, the tests,
 * the bench). The child leads its own process group, so whatever it starts in turn (workerd
 * under wrangler) is stopped with it; and a small guard (dev/process-guard.mjs) stops that
 * group when our pipe to it closes, which the kernel does however we exit, SIGKILL included.
 */
import { spawn } from "node:child_process";
import path from "node:path";

const GUARD = path.join(path.dirname(new URL(import.meta.url).pathname), "process-guard.mjs");

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, graceMs?: number }} [options]
 * @returns {{ child: import("node:child_process").ChildProcessByStdio<null, import("node:stream").Readable, import("node:stream").Readable>,
 *   exited: Promise<number | null>, stop: () => Promise<void> }}
 *   `exited` resolves with the exit code (null after a signal); `stop` ends the whole group,
 *   SIGTERM first and SIGKILL after `graceMs`, and resolves once the group is gone.
 */
export function spawnOwned(command, args, { cwd, env, graceMs = 5000 } = {}) {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const pgid = /** @type {number} */ (child.pid);
  const guard = spawn(process.execPath, [GUARD, String(pgid), String(graceMs)], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  guard.unref();
  /** @type {any} */ (guard.stdin)?.unref?.();
  guard.stdin.on("error", () => {});

  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  /** @type {Promise<void> | undefined} */
  let stopping;
  const stop = () =>
    (stopping ??= (async () => {
      signalGroup(pgid, "SIGTERM");
      const deadline = Date.now() + graceMs;
      while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      if (groupAlive(pgid)) signalGroup(pgid, "SIGKILL");
      // Bounded: a killed grandchild stays a zombie until whoever adopted it reaps it.
      const killDeadline = Date.now() + 2000;
      while (groupAlive(pgid) && Date.now() < killDeadline) await new Promise((resolve) => setTimeout(resolve, 50));
      await exited;
      // The group is gone: the guard must not signal a group id the system may hand out again.
      guard.stdin.end("disarm\n");
    })());
  return { child: /** @type {any} */ (child), exited: /** @type {Promise<number | null>} */ (exited), stop };
}

/** @param {number} pgid */
function groupAlive(pgid) {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
}

/** @param {number} pgid @param {NodeJS.Signals} signal */
function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
  } catch {}
}
