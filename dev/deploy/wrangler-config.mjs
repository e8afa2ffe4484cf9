/**
 * What the deploy needs from wrangler.toml about one environment: the worker's name, its vars
 * (APP_URL, ENVIRONMENT_ID), its queues and dead-letter queues. wrangler.toml stays the one
 * place these are written; this reads the subset of TOML it uses (tables, arrays of tables,
 * `key = value` with strings, numbers, booleans and one-line arrays), not TOML in general.
 */
import fs from "node:fs";

/** @typedef {{ header: string, entries: Record<string, unknown> }} Section */

/** @param {string} text @returns {Section[]} */
export function readSections(text) {
  /** @type {Section[]} */
  const sections = [{ header: "", entries: {} }];
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) continue;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      sections.push({ header: /** @type {string} */ (header[1]), entries: {} });
      continue;
    }
    const pair = /^([A-Za-z0-9_"-]+)\s*=\s*(.+)$/.exec(line);
    if (!pair) continue;
    const key = /** @type {string} */ (pair[1]).replace(/"/g, "");
    /** @type {Section} */ (sections.at(-1)).entries[key] = parseValue(/** @type {string} */ (pair[2]).replace(/\s+#[^"]*$/, ""));
  }
  return sections;
}

/** @param {string} raw */
function parseValue(raw) {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * @typedef {{ name: string, workerName: string, vars: Record<string, string>, queues: string[],
 *   deadLetterQueues: string[], routes: string }} WranglerEnvironment
 */

/**
 * @param {string} text wrangler.toml
 * @param {string} env e.g. "production"
 * @returns {WranglerEnvironment}
 */
export function wranglerEnvironment(text, env) {
  const sections = readSections(text);
  const own = (suffix) => sections.filter((section) => section.header === `env.${env}${suffix}`);
  const [main] = own("");
  if (!main) throw new Error(`wrangler.toml has no [env.${env}]`);
  const vars = /** @type {Record<string, string>} */ (Object.fromEntries(own(".vars").flatMap((section) => Object.entries(section.entries).map(([k, v]) => [k, String(v)]))));
  const queueSections = [...own(".queues.producers"), ...own(".queues.consumers")];
  const deadLetterQueues = [...new Set(queueSections.map((section) => section.entries.dead_letter_queue).filter((name) => typeof name === "string"))];
  const queues = [...new Set([...queueSections.map((section) => String(section.entries.queue)), ...deadLetterQueues])];
  return {
    name: env,
    workerName: String(main.entries.name ?? ""),
    vars,
    queues: /** @type {string[]} */ (queues),
    deadLetterQueues: /** @type {string[]} */ (deadLetterQueues),
    routes: String(main.entries.routes ?? ""),
  };
}

/** The environments wrangler.toml declares (`[env.NAME]`). @param {string} text */
export function environmentNames(text) {
  return readSections(text)
    .map((section) => /^env\.([A-Za-z0-9_-]+)$/.exec(section.header)?.[1])
    .filter((name) => name !== undefined);
}

/** @param {string} [file] */
export function readWranglerToml(file = "wrangler.toml") {
  return fs.readFileSync(file, "utf8");
}
