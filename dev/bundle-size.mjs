/** Prints the worker bundle's gzip size and fails over the budget (docs/architecture.md §11: 1 MiB). */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const LIMIT_BYTES = 1024 * 1024;
const dir = process.argv[2] ?? "dist";
const files = fs.readdirSync(dir).filter((file) => /\.(m?js|wasm)$/.test(file));
let total = 0;
for (const file of files) total += zlib.gzipSync(fs.readFileSync(path.join(dir, file)), { level: 9 }).length;
const kib = (total / 1024).toFixed(1);
console.log(`worker bundle: ${kib} KiB gzip (${files.join(", ")}); budget 1024 KiB`);
if (total > LIMIT_BYTES) {
  console.error(`over budget by ${((total - LIMIT_BYTES) / 1024).toFixed(1)} KiB`);
  process.exit(1);
}
