/** Reads `.dev.vars` (dotenv syntax: KEY=value, # comments, optional quotes). */
import fs from "node:fs";

/** @param {string} text @returns {Record<string, string>} */
export function parseDevVars(text) {
  /** @type {Record<string, string>} */
  const vars = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = /** @type {string} */ (match[2]);
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, "");
    }
    vars[/** @type {string} */ (match[1])] = value;
  }
  return vars;
}

/** @param {string} file @returns {Record<string, string>} the non-empty variables of the file, or {} */
export function readDevVars(file = ".dev.vars") {
  if (!fs.existsSync(file)) return {};
  return Object.fromEntries(Object.entries(parseDevVars(fs.readFileSync(file, "utf8"))).filter(([, value]) => value !== ""));
}

/** @param {Record<string, string>} vars */
export function formatDevVars(vars) {
  return Object.entries(vars)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join("\n")
    .concat("\n");
}
