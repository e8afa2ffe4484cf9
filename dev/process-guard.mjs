/**
 * Watches one parent for one process group: `node dev/process-guard.mjs <pgid>`, started by
 * spawnOwned (dev/owned-process.mjs) with a pipe on stdin. When that pipe closes without a
 * "disarm" line, the parent is gone, however it went (crash, SIGHUP, SIGKILL), so the group is
 * stopped: SIGTERM, then SIGKILL after a grace period. It lives in its own session and ignores
 * the terminal's SIGINT and SIGHUP, so closing the terminal can't stop it before its job is done.
 */
const pgid = Number(process.argv[2]);
const GRACE_MS = Number(process.argv[3] ?? 5000);
if (!Number.isInteger(pgid) || pgid <= 1) {
  console.error("usage: node dev/process-guard.mjs <process group id> [grace ms]");
  process.exit(2);
}

process.on("SIGINT", () => {});
process.on("SIGHUP", () => {});

let disarmed = false;
let received = "";
process.stdin.on("data", (chunk) => {
  received += chunk;
  if (received.includes("disarm\n")) disarmed = true;
});
process.stdin.on("error", () => {});
process.stdin.on("close", () => (disarmed ? process.exit(0) : stopGroup()));

function groupAlive() {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === "EPERM";
  }
}

function signalGroup(/** @type {NodeJS.Signals} */ signal) {
  try {
    process.kill(-pgid, signal);
  } catch {}
}

function stopGroup() {
  signalGroup("SIGTERM");
  const deadline = Date.now() + GRACE_MS;
  const timer = setInterval(() => {
    if (!groupAlive()) process.exit(0);
    if (Date.now() >= deadline) {
      signalGroup("SIGKILL");
      clearInterval(timer);
      process.exit(0);
    }
  }, 100);
}
