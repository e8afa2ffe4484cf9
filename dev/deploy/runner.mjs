/**
 * The command runner the deploy speaks to Cloudflare through: `run(["wrangler", ...args])`
 * answers `{code, stdout, stderr}` and never throws for a non-zero exit (the step reads the
 * code). The real one spawns the project's own tools (node_modules/.bin) as owned processes;
 * tests give the plan a recording runner instead (test/dev/deploy.test.ts), so the plan and its
 * idempotency are tested without reaching Cloudflare.
 */
import fs from "node:fs";
import path from "node:path";
import { spawnOwned } from "../owned-process.mjs";

/** @typedef {{ code: number, stdout: string, stderr: string }} CommandResult */
/** @typedef {{ run: (argv: string[]) => Promise<CommandResult> }} CommandRunner */

/**
 * @param {{ cwd?: string, echo?: (line: string) => void }} [options] `echo` sees each command
 *   before it runs (the deploy prints it, so the operator sees what was done on their behalf).
 * @returns {CommandRunner}
 */
export function createCommandRunner({ cwd = process.cwd(), echo } = {}) {
  return {
    async run(argv) {
      const [tool, ...args] = argv;
      if (!tool) throw new Error("empty command");
      const local = path.join(cwd, "node_modules", ".bin", tool);
      const command = tool === "node" ? process.execPath : fs.existsSync(local) ? local : tool;
      echo?.(`$ ${argv.join(" ")}`);
      const owned = spawnOwned(command, args, { cwd, env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
      let stdout = "";
      let stderr = "";
      owned.child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      owned.child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      const spawnFailed = new Promise((resolve) => owned.child.once("error", (error) => resolve({ code: 127, stdout, stderr: String(error) })));
      const exited = owned.exited.then((code) => ({ code: code ?? 1, stdout, stderr }));
      return /** @type {Promise<CommandResult>} */ (Promise.race([exited, spawnFailed]));
    },
  };
}
