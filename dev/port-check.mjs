/**
 * "Is this port free?", asked before `npm run dev` starts anything, with the process that holds
 * it named: on Linux from /proc (the listening socket's inode, then the process owning it),
 * elsewhere from lsof.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

export class PortTakenError extends Error {}

/**
 * Resolves when `host:port` can be listened on; otherwise rejects with a PortTakenError whose
 * message is one line naming the holder.
 * @param {number} port @param {string} [host]
 */
export async function assertPortFree(port, host = "127.0.0.1") {
  const problem = await new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (error) => resolve(/** @type {NodeJS.ErrnoException} */ (error)));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(null)));
  });
  if (!problem) return;
  if (problem.code !== "EADDRINUSE") throw new PortTakenError(`Can't listen on ${host}:${port}: ${problem.message}`);
  const holder = describePortHolder(port);
  throw new PortTakenError(
    `Port ${port} is already in use${holder ? ` by ${holder}` : ""}: stop it, or pick another port (PORT=${port + 1} npm run dev).`,
  );
}

/** @param {number} port @returns {string | null} e.g. `pid 1234 (workerd serve --binary …)` */
export function describePortHolder(port) {
  const pid = fs.existsSync("/proc/net/tcp") ? pidFromProc(port) : pidFromLsof(port);
  if (!pid) return null;
  return `pid ${pid} (${commandOf(pid)})`;
}

/** @param {number} port */
function pidFromProc(port) {
  const inodes = new Set();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = fs.readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const columns = line.trim().split(/\s+/);
      const localPort = Number.parseInt(columns[1]?.split(":")[1] ?? "", 16);
      if (localPort === port && columns[3] === "0A" /* LISTEN */) inodes.add(columns[9]);
    }
  }
  if (!inodes.size) return null;
  for (const pid of fs.readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    let fds = [];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // another user's process, or gone
    }
    for (const fd of fds) {
      try {
        const inode = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1];
        if (inode && inodes.has(inode)) return pid;
      } catch {}
    }
  }
  return null;
}

/** @param {number} port */
function pidFromLsof(port) {
  try {
    const out = execFileSync("lsof", ["-nP", `-iTCP:${port}`, "-sTCP:LISTEN", "-t"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return out.split("\n")[0]?.trim() || null;
  } catch {
    return null;
  }
}

/** @param {string} pid */
function commandOf(pid) {
  let command = "";
  try {
    command = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
  } catch {
    try {
      command = execFileSync("ps", ["-o", "command=", "-p", pid], { encoding: "utf8" }).trim();
    } catch {}
  }
  command = command.replace(/\s+/g, " ").trim();
  if (!command) return "unknown command";
  return command.length > 80 ? `${command.slice(0, 79)}…` : command;
}
