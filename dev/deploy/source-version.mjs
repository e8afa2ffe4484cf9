/**
 * What "this version" means to the deploy: a SHA-256 over the files a build reads (paths and
 * contents, in a fixed order). The worker is tagged with its hash and the dashboard deployed
 * under its own, so a second run can see that the live version is this one and upload nothing.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const SKIP = new Set(["node_modules", "dist", ".data", ".e2e", ".wrangler"]);

/** @param {string} root @param {string[]} entries files or folders under root */
export function sourceHash(root, entries) {
  const hash = createHash("sha256");
  /** @param {string} relative */
  const visit = (relative) => {
    const full = path.join(root, relative);
    if (!fs.existsSync(full)) return;
    if (fs.statSync(full).isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) if (!SKIP.has(name)) visit(path.join(relative, name));
      return;
    }
    hash.update(`${relative.replaceAll("\\", "/")}\0`);
    hash.update(fs.readFileSync(full));
    hash.update("\0");
  };
  for (const entry of entries) visit(entry);
  return hash.digest("hex");
}

/** @param {string} root */
export function sourceVersions(root) {
  return {
    worker: sourceHash(root, ["src", "wrangler.toml", "package.json", "package-lock.json"]),
    dashboard: sourceHash(root, ["web", "package.json", "package-lock.json"]),
  };
}
