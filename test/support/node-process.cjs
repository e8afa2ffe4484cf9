// The worker tests' stand-in for `require("process")`: vitest-pool-workers cannot require
// node:process from a bundled dependency (google-logging-utils does), although workerd has it
// as the `process` global with nodejs_compat. wrangler's own bundle is unaffected.
module.exports = globalThis.process;
