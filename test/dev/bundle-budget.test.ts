/**
 * The dashboard's first-load budget check (web/scripts/bundle-budget.mjs): the entry, its static
 * imports and the heaviest lazy screen count; other screens do not; over 150 KiB gzip fails.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const SCRIPT = path.resolve(__dirname, "../../web/scripts/bundle-budget.mjs");

/** A fake web/dist: random bytes do not compress, so each file's gzip size is about its size. */
function fakeDist(sizes: { entry: number; vendor: number; screenA: number; screenB: number }) {
  const dist = fs.mkdtempSync(path.join(os.tmpdir(), "agentline-budget-"));
  fs.mkdirSync(path.join(dist, "assets"));
  fs.mkdirSync(path.join(dist, ".vite"));
  const write = (name: string, kib: number) => fs.writeFileSync(path.join(dist, "assets", name), randomBytes(kib * 1024));
  write("index.js", sizes.entry);
  write("vendor.js", sizes.vendor);
  write("a.js", sizes.screenA);
  write("b.js", sizes.screenB);
  const manifest = {
    "src/main.tsx": { file: "assets/index.js", isEntry: true, imports: ["_vendor.js"], dynamicImports: ["src/routes/a.tsx", "src/routes/b.tsx"] },
    "_vendor.js": { file: "assets/vendor.js" },
    "src/routes/a.tsx": { file: "assets/a.js", name: "a", isDynamicEntry: true, imports: ["_vendor.js"] },
    "src/routes/b.tsx": { file: "assets/b.js", name: "b", isDynamicEntry: true },
  };
  fs.writeFileSync(path.join(dist, ".vite", "manifest.json"), JSON.stringify(manifest));
  return dist;
}

function check(dist: string) {
  const run = spawnSync(process.execPath, [SCRIPT, dist], { encoding: "utf8" });
  fs.rmSync(dist, { recursive: true, force: true });
  return run;
}

describe("dashboard first-load budget", () => {
  it("counts the shell and the heaviest screen, and passes under 150 KiB", () => {
    const run = check(fakeDist({ entry: 60, vendor: 40, screenA: 10, screenB: 30 }));
    expect(run.status).toBe(0);
    // 60 + 40 + the heavier screen (b, 30); a's vendor import is already in the shell.
    expect(run.stdout).toMatch(/first-load JS: 13\d\.\d KiB gzip \(shell 10\d\.\d KiB \+ heaviest screen "b" 30\.\d KiB\); budget 150 KiB/);
  });

  it("fails over the budget and says by how much", () => {
    const run = check(fakeDist({ entry: 100, vendor: 40, screenA: 5, screenB: 20 }));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/over budget by \d+\.\d KiB/);
  });
});
