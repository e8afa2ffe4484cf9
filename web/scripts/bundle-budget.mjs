/**
 * Prints the dashboard's first-load JavaScript (gzip) and fails over the budget (docs/architecture.md §11:
 * 150 KiB). First load = the entry chunk and every chunk it imports statically (from Vite's
 * manifest), plus the heaviest single screen with its own static imports: whichever page a user
 * opens first, this is the most it downloads. The chart is a dynamic import of the overview and
 * loads after it.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const LIMIT_KIB = 150;
const dist = path.resolve(process.argv[2] ?? "web/dist");
const manifest = JSON.parse(fs.readFileSync(path.join(dist, ".vite", "manifest.json"), "utf8"));
const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry);
if (entries.length !== 1) throw new Error(`expected one entry chunk in the manifest, found ${entries.length}`);

const gzip = (file) => zlib.gzipSync(fs.readFileSync(path.join(dist, file)), { level: 9 }).length;
/** A chunk and everything it imports statically. */
const closure = (key, into = new Set()) => {
  const chunk = manifest[key];
  if (!chunk || into.has(chunk.file)) return into;
  into.add(chunk.file);
  for (const imported of chunk.imports ?? []) closure(imported, into);
  return into;
};
const sum = (files) => [...files].reduce((total, file) => total + gzip(file), 0);

const [entryKey, entry] = entries[0];
const shell = closure(entryKey);
let heaviest = { name: "(none)", files: new Set() };
for (const screen of entry.dynamicImports ?? []) {
  const files = new Set([...closure(screen)].filter((file) => !shell.has(file)));
  if (sum(files) > sum(heaviest.files)) heaviest = { name: manifest[screen]?.name ?? screen, files };
}
const firstLoad = new Set([...shell, ...heaviest.files]);
const total = sum(firstLoad);
const lazyFiles = fs.readdirSync(path.join(dist, "assets")).filter((file) => file.endsWith(".js") && !firstLoad.has(`assets/${file}`));
const lazyTotal = lazyFiles.reduce((sum, file) => sum + gzip(`assets/${file}`), 0);
const kib = total / 1024;
console.log(
  `dashboard first-load JS: ${kib.toFixed(1)} KiB gzip (shell ${(sum(shell) / 1024).toFixed(1)} KiB + heaviest screen "${heaviest.name}" ${(sum(heaviest.files) / 1024).toFixed(1)} KiB); budget ${LIMIT_KIB} KiB`,
);
console.log(`dashboard lazy JS (routes, chart): ${(lazyTotal / 1024).toFixed(1)} KiB gzip in ${lazyFiles.length} file(s)`);
if (kib > LIMIT_KIB) {
  console.error(`dashboard first-load JS is over budget by ${(kib - LIMIT_KIB).toFixed(1)} KiB`);
  process.exit(1);
}
