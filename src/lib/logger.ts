/**
 * Structured JSON log lines. Keys that may carry secrets are masked before anything is
 * written (docs/architecture.md §13: no secret, token, password or full phone number in a log line).
 */
import { sqlState, underlyingError } from "./sql-state";

type Fields = Record<string, unknown>;
export type Level = "debug" | "info" | "warn" | "error";
const LEVEL_RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function parseLevel(value: unknown): Level {
  return typeof value === "string" && Object.hasOwn(LEVEL_RANK, value) ? (value as Level) : "info";
}

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|signature|refresh|access/i;
const PHONE_KEY = /phone|number|customer/i;

export function maskPhone(value: string): string {
  return value.length > 4 ? `${"•".repeat(Math.max(0, value.length - 4))}${value.slice(-4)}` : "••••";
}

function redact(fields: Fields, depth = 0): Fields {
  // No prototype: a field named "__proto__" (outside text logged as data) stays a field.
  const out: Fields = Object.create(null);
  for (const [key, value] of Object.entries(fields)) {
    if (SECRET_KEY.test(key)) out[key] = "[redacted]";
    else if (typeof value === "string" && PHONE_KEY.test(key) && /^\+?\d{6,}$/.test(value)) out[key] = maskPhone(value);
    else if (value && typeof value === "object" && !Array.isArray(value) && depth < 3) out[key] = redact(value as Fields, depth + 1);
    else out[key] = value;
  }
  return out;
}

export interface Logger {
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  child(fields: Fields): Logger;
}

export function createLogger(base: Fields = {}, minLevel: Level = "info"): Logger {
  const write = (level: Level, msg: string, fields: Fields = {}) => {
    if (LEVEL_RANK[level] < LEVEL_RANK[minLevel]) return;
    const line = JSON.stringify({ level, msg, time: new Date().toISOString(), ...redact({ ...base, ...fields }) });
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    child: (fields) => createLogger({ ...base, ...fields }, minLevel),
  };
}

/**
 * What may be logged of an error: its name, its message without the parameters that drizzle
 * appends to a failed query (they carry emails, hashes, phone numbers), the SQLSTATE, and what
 * it wraps (`cause`, or the Neon driver's `sourceError`), masked the same way: "Failed query"
 * alone does not say that the connection was lost.
 */
export function describeError(error: unknown): Fields {
  const state = sqlState(error);
  return { ...describeOne(error, 0), ...(state ? { sqlState: state } : {}) };
}

function describeOne(error: unknown, depth: number): Fields {
  const message = error instanceof Error ? error.message : String(error);
  const underlying = underlyingError(error);
  const describable = underlying instanceof Error || typeof (underlying as { message?: unknown } | undefined)?.message === "string";
  return {
    errorName: error instanceof Error ? error.name : typeof error,
    error: message.replace(/\s*\bparams:[\s\S]*$/, ""),
    ...(describable && depth < 3 ? { cause: describeOne(underlying, depth + 1) } : {}),
  };
}
