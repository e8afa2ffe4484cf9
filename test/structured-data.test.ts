/**
 * One definition of the structured data we ask Vapi for (issue 17 item 4, ADR 0411): the schema
 * the assistant sends, the key names and the typed reader agree, and no reader anywhere in src/
 * or web/src names a key of its own. The Sheets "Booked" column once read `structuredData.booked`
 * while the assistant asked for `appointmentBooked`; this test is what would have caught it.
 *
 * Runs in the `node` project: it reads files, which workerd cannot.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { CALL_STRUCTURED_DATA_SCHEMA, readCallStructuredData, STRUCTURED_DATA_KEYS } from "../src/integrations/vapi/structured-data";

const ROOT = resolve(import.meta.dirname, "..");
const DEFINITION = "src/integrations/vapi/structured-data.ts";
const KEYS = Object.keys(CALL_STRUCTURED_DATA_SCHEMA.properties).sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : sourceFiles(path);
    return /\.(ts|tsx|mjs)$/.test(name) ? [path] : [];
  });
}

/**
 * Every way a reader has named a key of the structured data: `structuredData.key`,
 * `structuredData?.["key"]`, `(x.structuredData as { key?: … })`, SQL's `structured_data->'key'`.
 */
const KEY_READS = [
  /structuredData\??\.(?!length\b)([A-Za-z_]\w*)/g,
  /structuredData\??\.?\[\s*["'`](\w+)["'`]\s*\]/g,
  /structuredData\)?\s+as\s+\{\s*(\w+)\??\s*:/g,
  /structured_data\s*->>?\s*'(\w+)'/g,
];

/** Reading the bag untyped (`row.structuredData ?? {}` then `data.anything`) is how a wrong key gets in. */
const UNTYPED_READ = /structuredData\s*\?\?\s*\{\s*\}/;

/** The keys a piece of source names. */
function namedKeys(text: string): string[] {
  return KEY_READS.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => match[1] as string));
}

const readers = [...sourceFiles(join(ROOT, "src")), ...sourceFiles(join(ROOT, "web/src"))]
  .map((path) => ({ file: relative(ROOT, path), text: readFileSync(path, "utf8") }))
  .filter(({ file }) => file !== DEFINITION);

describe("the structured data we ask Vapi for is defined once", () => {
  it("the schema's properties, the required list, the key names and the typed reader agree", () => {
    expect([...CALL_STRUCTURED_DATA_SCHEMA.required].sort()).toEqual(KEYS);
    expect(Object.keys(STRUCTURED_DATA_KEYS).sort()).toEqual(KEYS);
    expect(Object.values(STRUCTURED_DATA_KEYS).sort()).toEqual(KEYS);
    expect(Object.keys(readCallStructuredData({})).sort()).toEqual(KEYS);
  });

  it("the typed reader reads each key the schema asks for, with the schema's type", () => {
    const said = { callerName: "Ana", reasonForCalling: "A haircut", appointmentBooked: true, followUpNeeded: true, unansweredQuestions: ["Parking?"] };
    expect(readCallStructuredData(said)).toEqual(said);
    for (const [key, property] of Object.entries(CALL_STRUCTURED_DATA_SCHEMA.properties)) {
      const read = readCallStructuredData(said)[key as keyof typeof said];
      expect(property.type === "array" ? Array.isArray(read) : typeof read, key).toBe(property.type === "array" ? true : property.type);
    }
    // What the model got wrong reads as "not said", never as a crash or a truthy string.
    expect(readCallStructuredData({ appointmentBooked: "yes", followUpNeeded: 1, callerName: " ", unansweredQuestions: "x" })).toEqual({
      callerName: null,
      reasonForCalling: null,
      appointmentBooked: false,
      followUpNeeded: false,
      unansweredQuestions: [],
    });
    expect(readCallStructuredData(null).appointmentBooked).toBe(false);
  });

  it("bounds what hostile model output can make every reader show, and reads only the model's own keys", () => {
    const huge = readCallStructuredData({ callerName: "n".repeat(100_000), reasonForCalling: "r".repeat(100_000), unansweredQuestions: Array.from({ length: 1000 }, (_, i) => `${"q".repeat(1000)}${i}`) });
    expect(huge.unansweredQuestions).toHaveLength(20);
    expect(Math.max(...huge.unansweredQuestions.map((q) => q.length))).toBeLessThanOrEqual(500);
    expect(huge.callerName?.length).toBeLessThanOrEqual(200);
    expect(huge.reasonForCalling?.length).toBeLessThanOrEqual(500);
    // JSON's "__proto__" is an own key named so; an inherited value is not something the model said.
    expect(readCallStructuredData(JSON.parse('{"__proto__": {"callerName": "Mallory", "appointmentBooked": true}}'))).toMatchObject({ callerName: null, appointmentBooked: false });
    expect(readCallStructuredData(Object.create({ callerName: "Mallory", appointmentBooked: true }))).toMatchObject({ callerName: null, appointmentBooked: false });
  });

  it("no reader in src/ or web/src names a key the definition does not have", () => {
    const strangers = readers.flatMap(({ file, text }) => namedKeys(text).filter((key) => !KEYS.includes(key)).map((key) => `${file}: ${key}`));
    expect(strangers).toEqual([]);
  });

  it("no reader opens the structured data untyped: they go through readCallStructuredData", () => {
    expect(readers.filter(({ text }) => UNTYPED_READ.test(text)).map(({ file }) => file)).toEqual([]);
  });

  it("the scan sees the ways a key has been named (the old Sheets reader among them)", () => {
    expect(namedKeys("const booked = Boolean((call.structuredData as { booked?: unknown } | null)?.booked);")).toEqual(["booked"]);
    expect(namedKeys("row.structuredData?.appointmentBooked; x.structuredData['caller']")).toEqual(["appointmentBooked", "caller"]);
    expect(namedKeys("select c.structured_data->>'booked' from calls c")).toEqual(["booked"]);
  });
});
