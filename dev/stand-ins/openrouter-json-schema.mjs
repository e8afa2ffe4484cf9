/**
 * `response_format: {type: "json_schema"}` for the OpenRouter stand-in: the schema is checked
 * the way OpenAI's structured outputs check it (strict mode: every object closes with
 * `additionalProperties: false` and lists every property in `required`; the root is an
 * object), and the answer is generated FROM it: the properties it names, `minItems`/`maxItems`,
 * `enum`/`const`, `maxLength`, `minimum`/`maximum`, `$ref`s, and null for a nullable field.
 * So a change to the schema we send changes the answer, and our parsing has to follow.
 */
import { faq, greeting, policies } from "./openrouter-writer.mjs";

/**
 * The first rule the schema breaks, as OpenAI words it, or null.
 * @param {string} name @param {any} schema @param {boolean} strict
 */
export function schemaProblem(name, schema, strict) {
  const fail = (path, rule) => `Invalid schema for response_format '${name}': In context=(${path.map((p) => `'${p}'`).join(", ")}), ${rule}`;
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return `Invalid schema for response_format '${name}': schema must be a JSON Schema of 'type: "object"'.`;
  if (strict && schema.type !== "object") return `Invalid schema for response_format '${name}': schema must be a JSON Schema of 'type: "object"', got 'type: "${schema.type}"'.`;
  if (!strict) return null;
  /** @returns {string | null} */
  const walk = (node, path) => {
    if (!node || typeof node !== "object") return null;
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes("object") && node.properties) {
      if (node.additionalProperties !== false) return fail(path, "'additionalProperties' is required to be supplied and to be false.");
      const keys = Object.keys(node.properties);
      const missing = keys.find((key) => !(Array.isArray(node.required) && node.required.includes(key)));
      if (missing !== undefined) return fail(path, `'required' is required to be supplied and to be an array including every key in properties. Missing '${missing}'.`);
      for (const key of keys) {
        const problem = walk(node.properties[key], [...path, "properties", key]);
        if (problem) return problem;
      }
    }
    if (node.items) {
      const problem = walk(node.items, [...path, "items"]);
      if (problem) return problem;
    }
    for (const keyword of ["anyOf", "$defs", "definitions"]) {
      const children = node[keyword];
      if (!children) continue;
      for (const [key, child] of Object.entries(children)) {
        const problem = walk(child, [...path, keyword, key]);
        if (problem) return problem;
      }
    }
    return null;
  };
  return walk(schema, []);
}

/**
 * A value that satisfies `schema`, written from the business in `input`.
 * @param {any} schema
 * @param {ReturnType<typeof import("./openrouter-writer.mjs").readInput>} input
 */
export function answerFromSchema(schema, input) {
  const pairs = faq(input);
  /** @param {any} node @param {string} key @param {{ question: string, answer: string } | undefined} pair */
  const fill = (node, key, pair) => {
    node = resolve(schema, node);
    if (!node || typeof node !== "object") return null;
    if ("const" in node) return node.const;
    if (Array.isArray(node.enum)) return node.enum[0];
    if (Array.isArray(node.anyOf)) {
      // A nullable field gets null: the laziest valid answer, and one our parsing must take.
      if (node.anyOf.some((branch) => resolve(schema, branch)?.type === "null")) return null;
      return fill(node.anyOf[0], key, pair);
    }
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes("null")) return null;
    switch (types[0]) {
      case "object": {
        /** @type {Record<string, unknown>} */
        const out = {};
        for (const [name, child] of Object.entries(node.properties ?? {})) out[name] = fill(child, name, pair);
        return out;
      }
      case "array": {
        const wanted = /faq|question|pair/i.test(key) ? pairs.length : 1;
        const count = Math.min(Math.max(wanted, node.minItems ?? 0), node.maxItems ?? Number.POSITIVE_INFINITY);
        return Array.from({ length: count }, (_, index) => fill(node.items, key, pairs[index % pairs.length]));
      }
      case "string":
        return sized(node, text(key, pair));
      case "integer":
      case "number": {
        const value = Math.max(node.minimum ?? 1, node.exclusiveMinimum !== undefined ? node.exclusiveMinimum + 1 : -Infinity);
        return Math.min(value, node.maximum ?? Number.POSITIVE_INFINITY);
      }
      case "boolean":
        return true;
      default:
        return null;
    }
  };
  /** @param {string} key @param {{ question: string, answer: string } | undefined} pair */
  const text = (key, pair) => {
    if (/question/i.test(key)) return pair?.question ?? `What is ${input.name}?`;
    if (/answer/i.test(key)) return pair?.answer ?? input.sentences[0] ?? input.name;
    if (/greeting/i.test(key)) return greeting(input);
    if (/polic/i.test(key)) return policies(input);
    return `${key || "text"} for ${input.name}`;
  };
  return fill(schema, "", undefined);
}

/** `{"$ref": "#/$defs/x"}` → the schema it names (local references only, as OpenAI allows). */
function resolve(root, node) {
  if (!node || typeof node.$ref !== "string") return node;
  const path = node.$ref.replace(/^#\/?/, "").split("/").filter(Boolean);
  return path.reduce((at, part) => at?.[part], root);
}

function sized(node, value) {
  let out = value;
  if (node.maxLength !== undefined) out = out.slice(0, node.maxLength);
  if (node.minLength !== undefined && out.length < node.minLength) out = out.padEnd(node.minLength, ".");
  return out;
}
