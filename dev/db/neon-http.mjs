// A local stand-in for Neon's SQL-over-HTTP endpoint (POST /sql), answering exactly what Neon's
// proxy answers to @neondatabase/serverless, so the worker runs the same code in development as
// in production. Modelled on neondatabase/neon proxy/src/serverless/sql_over_http.rs and json.rs.
import http from "node:http";
import pg from "pg";
import { rawTextTypes } from "./backend.mjs";
import { createPasswordCheck, isLoopbackHost, newPassword } from "./neon-http-guard.mjs";

const ISOLATION = /** @type {Record<string, string>} */ ({
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
});
// Neon's order; only the fields Postgres actually sent are written.
const ERROR_FIELDS = ["code", "detail", "hint", "position", "internalPosition", "internalQuery", "severity", "where",
  "table", "column", "schema", "dataType", "constraint", "file", "line", "routine"];
const MAX_BODY = 10 * 1024 * 1024;

/** How long an idle keep-alive connection stays open (Node's default, 5 s, is shorter than a busy isolate's pause). */
export const IDLE_KEEP_ALIVE_MS = 10 * 60 * 1000;

class HttpError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/**
 * @param {{ pool: import("pg").Pool, kind: "pglite" | "postgres", port?: number, host?: string, password?: string }} options
 *   With PGlite the pool holds one connection, so every request (a whole batch included) waits
 *   its turn in the pool's queue: that is the single queue that keeps transactions apart.
 *   Every request must carry `password` in its connection string (a new random one per start
 *   unless given) and a loopback Host header; no CORS headers are sent, so a web page the
 *   developer visits can neither read the database nor reach it through DNS rebinding.
 * @returns {Promise<{ url: string, port: number, password: string, readonly requestsReceived: number,
 *   connectionString: (databaseHost: string) => string, close: () => Promise<void> }>}
 */
export async function startNeonHttp({ pool, kind, port = 0, host = "127.0.0.1", password = newPassword() }) {
  const debug = Boolean(process.env.DEBUG_NEON_HTTP);
  const passwordMatches = createPasswordCheck(password);
  let requestsReceived = 0;
  const server = http.createServer((req, res) => {
    requestsReceived++;
    const started = performance.now();
    handle(pool, req, { passwordMatches, boundHost: host })
      .then(({ status, body, headers }) => {
        res.writeHead(status, { ...headers, ...(body === undefined ? {} : { "Content-Type": "application/json" }) });
        res.end(body === undefined ? undefined : JSON.stringify(body));
        if (debug) console.error(`[neon-http ${kind}] ${req.method} ${req.url} ${status} ${(performance.now() - started).toFixed(1)}ms`);
      })
      .catch((err) => {
        console.error("[neon-http] failed to answer:", err);
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  });
  // A worker isolate busy with scrypt (a burst of sign-ins blocks it for seconds) leaves its
  // pooled connections idle; Node's default 5 s keep-alive then closes them under the client,
  // whose next query on one fails with "Network connection lost". Keep idle connections open.
  server.keepAliveTimeout = IDLE_KEEP_ALIVE_MS;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const bound = /** @type {import("node:net").AddressInfo} */ (server.address()).port;
  const hostInUrl = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${hostInUrl}:${bound}/sql`,
    port: bound,
    password,
    // The host only picks the endpoint on the client side (neonConfig.fetchEndpoint); it is never resolved.
    connectionString: (databaseHost) => `postgresql://agentline:${encodeURIComponent(password)}@${databaseHost}/agentline`,
    /** Requests received so far: one per database round trip (the bench counts them). */
    get requestsReceived() {
      return requestsReceived;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // fetch keeps connections alive; without this close() waits for their idle timeout.
        server.closeAllConnections();
      }),
  };
}

/**
 * @param {import("pg").Pool} pool
 * @param {http.IncomingMessage} req
 * @param {{ passwordMatches: (connectionString: unknown) => boolean, boundHost: string }} guard
 * @returns {Promise<{ status: number, body?: unknown, headers?: Record<string, string> }>}
 */
async function handle(pool, req, { passwordMatches, boundHost }) {
  try {
    if (!isLoopbackHost(req.headers.host, boundHost)) throw new HttpError(403, "this endpoint answers only to a loopback Host");
    if (new URL(req.url ?? "/", "http://x").pathname !== "/sql") throw new HttpError(404, "not found");
    if (req.method !== "POST") throw new HttpError(405, "method not allowed: use POST");
    const h = req.headers;
    // Neon-Connection-String picks the database and role at Neon; here one local database
    // answers, and the string's password must be this endpoint's (Postgres's SQLSTATE 28P01).
    if (!passwordMatches(h["neon-connection-string"])) {
      return { status: 401, body: { message: "password authentication failed: use the connection string this endpoint printed", code: "28P01" } };
    }
    // As Neon: anything but the exact string "true" means false.
    const opts = { raw: h["neon-raw-text-output"] === "true", arrayMode: h["neon-array-mode"] === "true" };
    const isolation = h["neon-batch-isolation-level"];
    if (isolation !== undefined && !ISOLATION[String(isolation)]) throw new HttpError(400, "invalid isolation level");
    const readOnly = h["neon-batch-read-only"] === "true";
    const deferrable = h["neon-batch-deferrable"] === "true";
    const payload = parsePayload(await readBody(req));

    if (!("queries" in payload)) {
      return { status: 200, body: await withClient(pool, (c) => runSingle(c, payload, opts)) };
    }
    const headers = /** @type {Record<string, string>} */ ({});
    if (readOnly) headers["Neon-Batch-Read-Only"] = "true";
    if (deferrable) headers["Neon-Batch-Deferrable"] = "true";
    if (isolation) headers["Neon-Batch-Isolation-Level"] = String(isolation);
    let begin = "BEGIN";
    if (isolation) begin += ` ISOLATION LEVEL ${ISOLATION[String(isolation)]}`;
    if (readOnly) begin += " READ ONLY";
    if (deferrable) begin += " DEFERRABLE";
    const body = await withClient(pool, (c) => runBatch(c, begin, payload.queries, opts));
    return { status: 200, body, headers };
  } catch (err) {
    if (err instanceof HttpError) return { status: err.status, body: { message: err.message } };
    if (err instanceof pg.DatabaseError) return { status: 400, body: databaseErrorBody(err) };
    // The database could not be reached or the connection broke: Neon's 5xx.
    return { status: 500, body: { message: err instanceof Error ? err.message || String(err) : String(err) } };
  }
}

/** @param {pg.DatabaseError} err */
function databaseErrorBody(err) {
  const body = /** @type {Record<string, unknown>} */ ({ message: err.message });
  for (const key of ERROR_FIELDS) {
    const value = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (err))[key];
    if (value !== undefined && value !== null) body[key] = value;
  }
  return body;
}

/**
 * @template T
 * @param {import("pg").Pool} pool
 * @param {(client: import("pg").PoolClient) => Promise<T>} fn
 */
async function withClient(pool, fn) {
  const client = await pool.connect();
  /** @type {Error | undefined} */
  let broken;
  try {
    return await fn(client);
  } catch (err) {
    // A Postgres error leaves the connection usable; anything else (socket gone) does not.
    if (!(err instanceof pg.DatabaseError)) broken = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.release(broken);
  }
}

/** @typedef {{ query: string, params: (string | null)[], arrayMode?: boolean }} QueryData */
/** @typedef {{ raw: boolean, arrayMode: boolean }} OutputOptions */

/** @param {import("pg").PoolClient} client @param {QueryData} q @param {OutputOptions} opts */
async function runSingle(client, q, opts) {
  try {
    return shapeResult(await execute(client, q), q.arrayMode ?? opts.arrayMode, opts.raw);
  } finally {
    // Neon discards a connection a lone statement left inside a transaction (say, "BEGIN");
    // ours is shared, so roll that transaction back instead.
    if (client.getTransactionStatus() !== "I") await client.query("ROLLBACK");
  }
}

/**
 * @param {import("pg").PoolClient} client @param {string} begin
 * @param {QueryData[]} queries @param {OutputOptions} opts
 */
async function runBatch(client, begin, queries, opts) {
  await client.query(begin);
  try {
    const results = [];
    for (const q of queries) results.push(shapeResult(await execute(client, q), q.arrayMode ?? opts.arrayMode, opts.raw));
    await client.query("COMMIT");
    return { results };
  } catch (err) {
    if (client.getTransactionStatus() !== "I") await client.query("ROLLBACK").catch(() => {});
    throw err;
  }
}

/**
 * @param {import("pg").PoolClient} client @param {QueryData} q
 * @returns {Promise<import("pg").QueryArrayResult>}
 */
function execute(client, q) {
  // Always the extended protocol, as Neon's proxy uses: one statement per query, and
  // "cannot insert multiple commands into a prepared statement" otherwise, params or not.
  const config = { text: q.query, values: q.params, rowMode: "array", types: rawTextTypes, queryMode: "extended" };
  return client.query(/** @type {import("pg").QueryArrayConfig} */ (config));
}

/** @param {import("pg").QueryArrayResult} result @param {boolean} arrayMode @param {boolean} raw */
function shapeResult(result, arrayMode, raw) {
  const fields = result.fields.map((f) => ({
    name: f.name,
    dataTypeID: f.dataTypeID,
    tableID: f.tableID,
    columnID: f.columnID,
    dataTypeSize: f.dataTypeSize,
    dataTypeModifier: f.dataTypeModifier,
    format: "text",
  }));
  const convert = raw ? null : fields.map((f) => textToJson(f.dataTypeID));
  const rows = result.rows.map((row) => {
    const values = convert ? row.map((v, i) => (v === null ? null : convert[i](v))) : row;
    return arrayMode ? values : Object.fromEntries(fields.map((f, i) => [f.name, values[i]]));
  });
  // pg reads the command tag as Neon does ("INSERT 0 2" → INSERT, 2; "CREATE TABLE" → CREATE, null).
  return { fields, command: result.command ?? "", rowCount: result.rowCount ?? null, rows, rowAsArray: arrayMode };
}

/** @param {http.IncomingMessage} req */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, `request body is larger than ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** @param {string} text @returns {QueryData | { queries: QueryData[] }} */
function parsePayload(text) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new HttpError(400, `request body is not JSON: ${/** @type {Error} */ (err).message}`);
  }
  if (json && typeof json.query === "string") return queryData(json);
  if (json && Array.isArray(json.queries)) return { queries: json.queries.map(queryData) };
  throw new HttpError(400, 'expected {"query": string, "params"?: [...]} or {"queries": [...]}');
}

/** @param {any} q @returns {QueryData} */
function queryData(q) {
  if (!q || typeof q.query !== "string") throw new HttpError(400, "each query needs a string \"query\"");
  if (q.params !== undefined && !Array.isArray(q.params)) throw new HttpError(400, '"params" must be an array');
  if (q.arrayMode !== undefined && typeof q.arrayMode !== "boolean") throw new HttpError(400, '"arrayMode" must be a boolean');
  return { query: q.query, params: (q.params ?? []).map(paramText), arrayMode: q.arrayMode };
}

/**
 * The driver already sends text or null; other JSON values become Postgres text as Neon turns
 * them: scalars and objects as their JSON, arrays as array literals.
 * @param {unknown} v @returns {string | null}
 */
function paramText(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return arrayLiteral(v);
  return JSON.stringify(v);
}

/** @param {unknown} v @returns {string} */
function arrayLiteral(v) {
  if (v === null || v === undefined) return "NULL";
  if (Array.isArray(v)) return `{${v.map(arrayLiteral).join(",")}}`;
  if (typeof v === "object") return JSON.stringify(JSON.stringify(v));
  return JSON.stringify(v);
}

// Without Neon-Raw-Text-Output Neon returns typed JSON: booleans, int2/int4 and finite floats as
// numbers, json as JSON, arrays as lists; everything else (int8, numeric, dates...) stays text.
const ARRAY_ELEMENT = new Map(/** @type {[number, number][]} */ ([
  [1000, 16], [1005, 21], [1007, 23], [1021, 700], [1022, 701], [199, 114], [3807, 3802],
  ...[1001, 1002, 1003, 1009, 1014, 1015, 1016, 1028, 1040, 1041, 651, 775, 791, 143, 1017, 1115, 1182, 1183, 1185,
    1187, 1231, 1270, 1561, 1563, 2951, 3643, 3645, 3905, 3907, 3911, 3913, 3927, 4073].map((oid) => [oid, 25]),
]));

/** @param {number} oid @returns {(text: string) => unknown} */
function textToJson(oid) {
  const element = ARRAY_ELEMENT.get(oid);
  if (element !== undefined) {
    const convert = textToJson(element);
    return (text) => parseArray(text, convert);
  }
  switch (oid) {
    case 16: return (t) => t === "t";
    case 21: case 23: return (t) => Number.parseInt(t, 10);
    case 700: case 701: return (t) => (Number.isFinite(Number(t)) ? Number(t) : t);
    case 114: case 3802: return (t) => JSON.parse(t);
    default: return (t) => t;
  }
}

/** Postgres array text → nested JS arrays. @param {string} text @param {(s: string) => unknown} convert */
function parseArray(text, convert) {
  let i = text.startsWith("[") ? text.indexOf("=") + 1 : 0; // bounds decoration has no JSON form
  const skipSpace = () => { while (text[i] === " ") i++; };
  /** @returns {unknown[]} */
  const list = () => {
    skipSpace();
    i++; // "{"
    /** @type {unknown[]} */
    const out = [];
    skipSpace();
    if (text[i] === "}") { i++; return out; }
    for (;;) {
      skipSpace();
      if (text[i] === "{") out.push(list());
      else if (text[i] === '"') {
        let s = "";
        for (i++; text[i] !== '"'; i++) s += text[i] === "\\" ? text[++i] : text[i];
        i++;
        out.push(convert(s));
      } else {
        let j = i;
        while (text[j] !== "," && text[j] !== "}") j++;
        const item = text.slice(i, j).trim();
        i = j;
        out.push(item === "NULL" ? null : convert(item));
      }
      skipSpace();
      if (text[i++] !== ",") return out;
    }
  };
  return list();
}
