/**
 * A small kit for local stand-ins of external HTTP services (Vapi, Stripe, OpenRouter, Google).
 * Every stand-in records what it was sent and can be told, over its control API, to fail or be
 * slow; the same servers serve the tests (started by test/global-setup.ts) and the sandbox of
 * `npm run dev`.
 *
 * Control API, under `/__control` on every stand-in:
 *   GET  /__control/requests?since=N   recorded requests with seq > N: {requests: [...], last}
 *   GET  /__control/mark               {last}: the current sequence number
 *   POST /__control/faults             {method?, path?, bodyIncludes?, status?, body?, delayMs?, times?}
 *                                      queue a scripted answer (or delay) for matching requests
 *   POST /__control/reset              drop faults (and recorded requests when {requests: true})
 *   GET  /__control/state              the stand-in's own state, when it exposes one
 *
 * Relay, for webhooks to an app that cannot be reached over HTTP (the worker tests run the app
 * inside workerd): a stand-in that delivers to `<its url>/__relay/<path>` parks the request;
 *   GET  /__control/relay?waitMs=N     the oldest parked delivery not yet taken (waits up to N ms):
 *                                      {delivery: {id, method, path, headers, body} | null}
 *   POST /__control/relay/<id>         {status, headers?, body?}: answer it; the sender gets that answer
 * An untaken delivery is answered 504 after RELAY_TIMEOUT_MS.
 *
 * Kept state (the convention every stand-in follows, so a restart of `npm run dev` changes
 * nothing a user can see):
 *   - Everything a user could meet again (assistants, credentials, sessions, charges, an inbox)
 *     lives in ONE plain, JSON-serializable object per stand-in, opened with
 *     `openState({ dataDir, name, initial })`. Collections are objects keyed by id (JSON has no
 *     Map); insertion order is kept, so "newest first" is `Object.values(x).reverse()`.
 *   - With a `dataDir` (`npm run dev` passes .data/stand-ins) it is loaded from
 *     `<dataDir>/<name>.json` at start and written back by `save()` after every change,
 *     atomically: a temporary file beside it, then a rename, so a crash leaves the old or the
 *     new file and never half of one. Without a `dataDir` (the tests) it lives in memory.
 *   - What belongs to one run stays out of it: recorded requests, faults, timers, listening
 *     ports, per-run secrets the worker is handed again at start.
 *   - `startStandIns({ dataDir, wipe: true })` deletes the folder first: `npm run dev` does so
 *     when its database was created afresh, so stand-ins never remember objects our rows don't.
 *   - A file that cannot be read is moved aside (`<name>.json.unreadable-<time>`), not trusted.
 *
 * @example
 *   const vapi = await startStandIn({ name: "vapi", routes: [
 *     { method: "POST", path: "/assistant", handle: (req) => ({ status: 201, json: { id: "asst_1" } }) },
 *   ]});
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

/**
 * @typedef {{ seq: number, time: string, method: string, path: string, query: Record<string,string>,
 *   headers: Record<string,string>, rawBody: string, body: unknown }} RecordedRequest
 * @typedef {{ status?: number, json?: unknown, text?: string, html?: string, headers?: Record<string,string> }} StandInResponse
 * @typedef {{ method: string, path: string | RegExp, handle: (req: RecordedRequest & { params: string[] }) => StandInResponse | Promise<StandInResponse> }} Route
 * @typedef {{ method?: string, path?: string, bodyIncludes?: string, status?: number, body?: unknown,
 *   headers?: Record<string,string>, delayMs?: number, times?: number }} Fault
 */

const MAX_RECORDED = 5000;
const RELAY_TIMEOUT_MS = 30_000;

/**
 * @param {{ name: string, routes: Route[], port?: number, host?: string, state?: () => unknown,
 *   onReset?: () => void }} options
 */
export async function startStandIn({ name, routes, port = 0, host = "127.0.0.1", state, onReset }) {
  /** @type {RecordedRequest[]} */
  let recorded = [];
  /** @type {Fault[]} */
  let faults = [];
  let seq = 0;
  const relay = createRelay();

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", `http://${host}`);
      const rawBody = await readBody(req);
      if (url.pathname.startsWith("/__control/relay")) return send(res, await relay.control(req.method ?? "GET", url, rawBody));
      if (url.pathname.startsWith("/__control/")) {
        return send(res, control(req.method ?? "GET", url, rawBody));
      }
      if (url.pathname.startsWith("/__relay/")) {
        const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
        return send(res, await relay.park({ method: req.method ?? "GET", path: url.pathname.slice("/__relay".length) + url.search, headers, body: rawBody }));
      }
      const request = {
        seq: ++seq,
        time: new Date().toISOString(),
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: /** @type {Record<string,string>} */ (Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))),
        rawBody,
        body: parseBody(rawBody, String(req.headers["content-type"] ?? "")),
      };
      recorded.push(request);
      if (recorded.length > MAX_RECORDED) recorded = recorded.slice(-MAX_RECORDED);

      const fault = takeFault(request);
      if (fault?.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      if (fault?.status) return send(res, { status: fault.status, json: fault.body ?? { error: `${name} stand-in: scripted failure` }, headers: fault.headers });

      for (const route of routes) {
        if (route.method !== request.method) continue;
        const params = matchPath(route.path, request.path);
        if (params) return send(res, await route.handle({ ...request, params }));
      }
      send(res, { status: 404, json: { error: `${name} stand-in has no route for ${request.method} ${request.path}` } });
    } catch (error) {
      send(res, { status: 500, json: { error: `${name} stand-in crashed: ${error instanceof Error ? error.message : String(error)}` } });
    }
  });

  /** @returns {StandInResponse} */
  function control(method, url, rawBody) {
    const action = url.pathname.slice("/__control/".length);
    if (method === "GET" && action === "requests") {
      const since = Number(url.searchParams.get("since") ?? 0);
      return { json: { requests: recorded.filter((r) => r.seq > since), last: seq } };
    }
    if (method === "GET" && action === "mark") return { json: { last: seq } };
    if (method === "GET" && action === "state") return { json: state ? state() : {} };
    if (method === "POST" && action === "faults") {
      const fault = /** @type {Fault} */ (JSON.parse(rawBody || "{}"));
      faults.push({ times: 1, ...fault });
      return { status: 201, json: { faults: faults.length } };
    }
    if (method === "POST" && action === "reset") {
      const options = JSON.parse(rawBody || "{}");
      faults = [];
      if (options.requests) recorded = [];
      onReset?.();
      return { json: { ok: true } };
    }
    return { status: 404, json: { error: `unknown control action ${method} ${action}` } };
  }

  /** @param {RecordedRequest} request */
  function takeFault(request) {
    const index = faults.findIndex(
      (f) =>
        (!f.method || f.method === request.method) &&
        (!f.path || request.path.startsWith(f.path)) &&
        (!f.bodyIncludes || request.rawBody.includes(f.bodyIncludes)),
    );
    if (index < 0) return undefined;
    const fault = /** @type {Fault} */ (faults[index]);
    if (fault.times !== undefined && fault.times !== -1 && --fault.times <= 0) faults.splice(index, 1);
    return fault;
  }

  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  const url = `http://${host}:${address.port}`;
  return {
    name,
    url,
    port: address.port,
    requests: () => recorded.slice(),
    close: () => new Promise((resolve) => { relay.close(); server.closeAllConnections?.(); server.close(() => resolve(undefined)); }),
  };
}

/**
 * The relay's parked deliveries (see "Relay" above).
 * @typedef {{ id: number, method: string, path: string, headers: Record<string, string>, body: string }} Delivery
 */
function createRelay() {
  /** @type {{ delivery: Delivery, taken: boolean, answer: (response: StandInResponse) => void }[]} */
  const parked = [];
  /** @type {Set<() => void>} */
  const waiting = new Set();
  let nextId = 0;

  /** @param {Omit<Delivery, "id">} request @returns {Promise<StandInResponse>} */
  function park(request) {
    return new Promise((resolve) => {
      const entry = { delivery: { id: ++nextId, ...request }, taken: false, answer: resolve };
      const timer = setTimeout(() => finish(entry, { status: 504, json: { error: "relay: nobody took this delivery" } }), RELAY_TIMEOUT_MS);
      timer.unref();
      entry.answer = (response) => {
        clearTimeout(timer);
        resolve(response);
      };
      parked.push(entry);
      for (const wake of waiting) wake();
    });
  }

  function finish(entry, response) {
    const index = parked.indexOf(entry);
    if (index >= 0) parked.splice(index, 1);
    entry.answer(response);
  }

  /** @returns {Promise<StandInResponse>} */
  async function control(method, url, rawBody) {
    if (method === "GET" && url.pathname === "/__control/relay") {
      const deadline = Date.now() + Math.min(Number(url.searchParams.get("waitMs") ?? 0) || 0, RELAY_TIMEOUT_MS);
      for (;;) {
        const entry = parked.find((candidate) => !candidate.taken);
        if (entry) {
          entry.taken = true;
          return { json: { delivery: entry.delivery } };
        }
        const left = deadline - Date.now();
        if (left <= 0) return { json: { delivery: null } };
        await new Promise((resolve) => {
          const wake = () => {
            waiting.delete(wake);
            clearTimeout(timer);
            resolve(undefined);
          };
          const timer = setTimeout(wake, left);
          waiting.add(wake);
        });
      }
    }
    const answered = /^\/__control\/relay\/(\d+)$/.exec(url.pathname);
    if (method === "POST" && answered) {
      const entry = parked.find((candidate) => candidate.delivery.id === Number(answered[1]));
      if (!entry) return { status: 404, json: { error: `no parked delivery ${answered[1]}` } };
      const reply = JSON.parse(rawBody || "{}");
      finish(entry, { status: Number(reply.status) || 200, headers: reply.headers ?? {}, text: typeof reply.body === "string" ? reply.body : "" });
      return { json: { ok: true } };
    }
    return { status: 404, json: { error: `unknown relay action ${method} ${url.pathname}` } };
  }

  return {
    park,
    control,
    close() {
      for (const entry of [...parked]) finish(entry, { status: 503, json: { error: "relay closed" } });
      for (const wake of [...waiting]) wake();
    },
  };
}

/** @param {string | RegExp} pattern @param {string} path @returns {string[] | null} */
function matchPath(pattern, path) {
  if (typeof pattern === "string") return pattern === path ? [] : null;
  const match = pattern.exec(path);
  return match ? match.slice(1).map((part) => decodeURIComponent(part)) : null;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(raw, contentType) {
  if (!raw) return undefined;
  if (contentType.includes("application/json")) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  if (contentType.includes("application/x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(raw));
  return raw;
}

/** @param {http.ServerResponse} res @param {StandInResponse} response */
function send(res, response) {
  const status = response.status ?? 200;
  const headers = { ...(response.headers ?? {}) };
  let body = "";
  if (response.json !== undefined) {
    body = JSON.stringify(response.json);
    headers["content-type"] ??= "application/json";
  } else if (response.html !== undefined) {
    body = response.html;
    headers["content-type"] ??= "text/html; charset=utf-8";
  } else if (response.text !== undefined) {
    body = response.text;
    headers["content-type"] ??= "text/plain; charset=utf-8";
  }
  res.writeHead(status, headers);
  res.end(status === 204 ? undefined : body);
}

/**
 * A stand-in's kept state (see "Kept state" above).
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
