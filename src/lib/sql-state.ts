/** Postgres SQLSTATE of a failed query, found through drizzle's (and the driver's) wrappers. */
export function sqlState(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = underlyingError(current);
  }
  return undefined;
}

/** The error an error wraps: `cause` (drizzle, fetch) or `sourceError` (the Neon driver's fetch failure). */
export function underlyingError(error: unknown): unknown {
  if (!error || typeof error !== "object") return undefined;
  const wrapper = error as { cause?: unknown; sourceError?: unknown };
  return wrapper.cause ?? wrapper.sourceError;
}

/** SQLSTATEs that mean "the database cannot serve you now", not "your query is wrong". */
const UNAVAILABLE_STATE = /^(08...|57P0[1-3]|53300|53400)$/;
/** How a lost or refused connection reads, from the Neon driver, fetch or workerd. */
const UNAVAILABLE_MESSAGE = /^Error connecting to database|^Server error \(HTTP status 5\d\d\)|Network connection lost|fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|connection (was )?(closed|reset|refused)/i;

/**
 * True when a query failed because the database could not be reached or dropped the
 * connection (answered as 503 `database_unavailable`), found through the wrappers.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++, current = underlyingError(current)) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && UNAVAILABLE_STATE.test(code)) return true;
    const message = (current as { message?: unknown }).message;
    if (typeof message === "string" && UNAVAILABLE_MESSAGE.test(message)) return true;
  }
  return false;
}
