/**
 * What keeps the worker's startup cheap, checked on the bundle `wrangler deploy` builds
 * (docs/decisions/0900-startup-budget.md): no Node built-in is imported at the top of the bundle
 * (they load on first require through wrangler.toml's [alias], src/node-builtins/README.md), and
 * that alias table, the folder it points to and the table vitest applies agree.
 *
 * The startup time itself is measured by `npm run bench`, not here: no timing in tests.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { builtinModules } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BUILTINS_DIR = path.join(ROOT, "src/node-builtins");
const builtinFiles = fs.readdirSync(BUILTINS_DIR).filter((file) => file.endsWith(".cjs"));

describe("worker startup: Node built-ins load on first require", () => {
  let outdir = "";
  let bundle = "";

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-startup-"));
    const wrangler = path.join(ROOT, "node_modules/wrangler/bin/wrangler.js");
    execFileSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
      cwd: ROOT,
      stdio: "ignore",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    bundle = fs.readFileSync(path.join(outdir, "index.js"), "utf8");
  }, 120_000);
  afterAll(() => {
    if (outdir) fs.rmSync(outdir, { recursive: true, force: true });
  });

  it("imports no Node built-in at the top of the bundle (a new one: add it to src/node-builtins and [alias])", () => {
    const topLevelImports = [...bundle.matchAll(/^import\s[^;]*?\bfrom\s*["']([^"']+)["']/gm)].map((match) => match[1] ?? "");
    expect(topLevelImports.length).toBeGreaterThan(0); // cloudflare:workers at least: the pattern matches
    const nodeImports = topLevelImports.filter((specifier) => builtinModules.includes(specifier.replace(/^node:/, "")));
    expect(nodeImports).toEqual([]);
  });

  it("loads each aliased built-in from the real module, by the name it replaces", () => {
    expect(builtinFiles.length).toBeGreaterThan(0);
    for (const file of builtinFiles) {
      const name = file.slice(0, -".cjs".length);
      expect(builtinModules).toContain(name);
      const code = fs.readFileSync(path.join(BUILTINS_DIR, file), "utf8").replace(/^\/\/.*$/gm, "").trim();
      expect(code).toBe(`module.exports = globalThis.process.getBuiltinModule("node:${name}");`);
    }
  });

  it("has wrangler.toml alias exactly the folder's files", () => {
    const config = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") });
    const expected = Object.fromEntries(builtinFiles.map((file) => [file.slice(0, -".cjs".length), `./src/node-builtins/${file}`]));
    expect(config.alias).toEqual(expected);
  });
});
