// The database behind local development and tests: a real PostgreSQL server named by a URL, or an
// embedded PGlite served over the Postgres wire protocol. Either way callers get a `pg.Pool`, so
// the Neon-HTTP endpoint, the migrator and the tests run one code path against both.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";

/**
 * pg type overrides that hand every value back as the text Postgres sent. Pass it per query
 * (`{ text, values, types: rawTextTypes }`) to forward values untouched, as Neon does when asked
 * for Neon-Raw-Text-Output; the pool itself keeps pg's default parsers.
 * @type {import("pg").CustomTypesConfig}
 */
export const rawTextTypes = { getTypeParser: () => (/** @type {string} */ value) => value };

/**
 * @typedef {object} Database
 * @property {"pglite" | "postgres"} kind
 * @property {import("pg").Pool} pool
 * @property {string} connectionString  where `pool` connects (for PGlite: its loopback socket)
 * @property {() => Promise<void>} close
 */

/**
 * @param {{ databaseUrl?: string | null, dataDir?: string | null }} [options]
 *   databaseUrl wins; otherwise PGlite kept in dataDir, or in memory when dataDir is null or
 *   "memory://".
 * @returns {Promise<Database>}
 */
export async function openDatabase({ databaseUrl, dataDir } = {}) {
  return databaseUrl ? openPostgres(databaseUrl) : openPglite(dataDir ?? null);
}

/** @param {string} connectionString */
async function openPostgres(connectionString) {
  // Neon (and most hosted Postgres) refuses plain TCP; its URLs usually say sslmode=require, but
  // when one does not, ask for TLS anyway rather than fail with an opaque auth error.
  const url = safeUrl(connectionString);
  const ssl = url && /\.neon\.tech$/i.test(url.hostname) && !/[?&](sslmode|ssl)=/.test(connectionString) ? true : undefined;
  const pool = new pg.Pool({ connectionString, max: 10, ssl });
  // An idle client dying (server restart) must not crash the process; the pool replaces it.
  pool.on("error", (err) => console.error(`[db] idle connection lost: ${err.message}`));
  try {
    await pool.query("select 1");
  } catch (err) {
    await pool.end().catch(() => {});
    throw new Error(`cannot connect to DATABASE_URL (${redact(connectionString)}): ${errorText(err)}`, { cause: err });
  }
  const close = once(async () => {
    if (!pool.ending) await pool.end(); // a caller may have ended it already
  });
  return { kind: /** @type {const} */ ("postgres"), pool, connectionString, close };
}

/** @param {string | null} dataDir */
async function openPglite(dataDir) {
  const inMemory = !dataDir || dataDir === "memory://";
  const dir = inMemory ? undefined : path.resolve(dataDir);
  let unlock = () => {};
  if (dir) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    unlock = lockDataDir(`${dir}.lock`);
  }
  try {
    // Loaded lazily so that real-Postgres mode never pays for the WebAssembly build.
    const { PGlite } = await import("@electric-sql/pglite");
    const { PGLiteSocketServer } = await import("@electric-sql/pglite-socket");
    // btree_gist backs the booking exclusion constraint (migrations/0001_google.sql).
    const { btree_gist } = await import("@electric-sql/pglite/contrib/btree_gist");
    const db = await PGlite.create(dir, { extensions: { btree_gist } });
    // PGlite is one backend session, and the socket server interleaves connections message by
    // message (it only keeps explicit transactions together), so two live connections could
    // clobber each other's unnamed statement. The pool therefore holds a single connection.
    // The server still accepts a few: pg-pool drops a connection after a failed pool.query() and
    // reconnects before the old socket's close is processed, which a limit of 1 would refuse.
    const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 4 });
    await server.start();
    const port = Number(server.getServerConn().split(":").pop());
    const connectionString = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    const pool = new pg.Pool({ connectionString, max: 1, idleTimeoutMillis: 0 });
    pool.on("error", (err) => console.error(`[db] PGlite connection lost: ${err.message}`));
    const close = once(async () => {
      try {
        if (!pool.ending) await pool.end(); // a caller may have ended it already
        await server.stop();
        await db.close();
      } finally {
        unlock();
      }
    });
    return { kind: /** @type {const} */ ("pglite"), pool, connectionString, close };
  } catch (err) {
    unlock();
    throw err;
  }
}

/** Lock files this process holds, so a stale file carrying our own (reused) pid is recognised. */
const heldLocks = new Set();

/**
 * PGlite has no postmaster to stop a second process opening the same directory, and two writers
 * corrupt it; a pid file next to the directory does that job.
 * @param {string} lockPath
 * @returns {() => void} release
 */
function lockDataDir(lockPath) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      heldLocks.add(lockPath);
      const release = () => {
        if (!heldLocks.delete(lockPath)) return;
        fs.rmSync(lockPath, { force: true });
        process.off("exit", release);
      };
      process.on("exit", release);
      return release;
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== "EEXIST") throw err;
      const pid = Number.parseInt(fs.readFileSync(lockPath, "utf8"), 10);
      const live = pid === process.pid ? heldLocks.has(lockPath) : Number.isInteger(pid) && processAlive(pid);
      if (live) {
        throw new Error(
          `the PGlite database ${lockPath.slice(0, -5)} is in use by process ${pid} ` +
            `(a running "npm run dev" or "npm run db:http"? it applies migrations itself). ` +
            `Stop it first, or delete ${lockPath} if that process is not ours.`,
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock ${lockPath}`);
}

/** @param {number} pid */
function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === "EPERM";
  }
}

/**
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {() => Promise<T>}
 */
function once(fn) {
  /** @type {Promise<T> | undefined} */
  let done;
  return () => (done ??= fn());
}

/** A database URL fit for a log line: the password masked. @param {string} url */
export function redact(url) {
  const u = safeUrl(url);
  if (!u) return "<unparseable URL>";
  if (u.password) u.password = "***";
  return u.toString();
}

/** @param {string} url */
function safeUrl(url) {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** @param {unknown} err @returns {string} */
function errorText(err) {
  if (err instanceof AggregateError && err.errors.length) return err.errors.map(errorText).join("; ");
  return err instanceof Error ? err.message || String(err) : String(err);
}
