/**
 * Kept state for stand-ins: the convention is described at the top of kit.mjs ("Kept state").
 */
import fs from "node:fs";
import path from "node:path";

/**
 * A stand-in's kept state (kit.mjs "Kept state").
 * @template T
 * @param {{ dataDir?: string | null, name: string, initial: () => T }} options
 * @returns {{ data: T, save: () => void, file: string | null }}
 */
export function openState({ dataDir, name, initial }) {
  const fresh = initial();
  if (!dataDir) return { data: fresh, save: () => {}, file: null };
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, `${name}.json`);
  let data = fresh;
  if (fs.existsSync(file)) {
    try {
      // Fields added since the file was written start from their initial value.
      data = { ...fresh, ...JSON.parse(fs.readFileSync(file, "utf8")) };
    } catch (error) {
      const aside = `${file}.unreadable-${Date.now()}`;
      fs.renameSync(file, aside);
      console.warn(`[${name} stand-in] could not read ${file} (${error instanceof Error ? error.message : error}); moved it to ${aside} and started empty`);
    }
  }
  const save = () => {
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify(data));
    fs.renameSync(temporary, file);
  };
  return { data, save, file };
}

/**
 * A Map-like view of one collection of kept state (an object keyed by id) that saves on every
 * change. Mutating a record in place needs `save()` afterwards.
 * @template V
 * @param {Record<string, V>} records
 * @param {() => void} save
 */
export function collection(records, save) {
  const has = (/** @type {string} */ id) => Object.hasOwn(records, id);
  return {
    has,
    /** @param {string} id */
    get: (id) => (has(id) ? records[id] : undefined),
    /** @param {string} id @param {V} record */
    set(id, record) {
      records[id] = record;
      save();
      return record;
    },
    /** @param {string} id */
    delete(id) {
      if (!has(id)) return false;
      delete records[id];
      save();
      return true;
    },
    values: () => Object.values(records),
    save,
  };
}
