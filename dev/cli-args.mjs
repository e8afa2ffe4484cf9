/** Command-line flags for the dev/ CLIs: node:util parseArgs, usage on --help or a bad flag. */
import { parseArgs } from "node:util";

/**
 * @template {import("node:util").ParseArgsConfig["options"]} O
 * @param {O} options
 * @param {string} usage
 */
export function parseCliArgs(options, usage) {
  try {
    const { values } = parseArgs({ options: { ...options, help: { type: "boolean", short: "h" } } });
    // The generic options type cannot know about the `help` flag added here.
    if ("help" in values && values.help) {
      console.log(usage);
      process.exit(0);
    }
    return values;
  } catch (error) {
    console.error(`${/** @type {Error} */ (error).message}\n\n${usage}`);
    process.exit(2);
  }
}
