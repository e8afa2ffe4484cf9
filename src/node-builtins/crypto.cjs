// `require("crypto")`, loaded when first required: see README.md.
module.exports = globalThis.process.getBuiltinModule("node:crypto");
