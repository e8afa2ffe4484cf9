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
 * An untaken delivery is answered 504 after 30 s (kit-relay.mjs).
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
 *   (openState and collection live in kit-state.mjs and are exported from here.)
 *
 * @example
 *   const vapi = await startStandIn({ name: "vapi", routes: [
 *     { method: "POST", path: "/assistant", handle: (req) => ({ status: 201, json: { id: "asst_1" } }) },
 *   ]});
 */
import http from "node:http";
import { createRelay } from "./kit-relay.mjs";

export { collection, openState } from "./kit-state.mjs";

/**
 * @typedef {{ seq: number, time: string, method: string, path: string, query: Record<string,string>, search: string,
 *   headers: Record<string,string>, rawBody: string, body: unknown }} RecordedRequest
 * @typedef {{ status?: number, json?: unknown, text?: string, html?: string, headers?: Record<string,string> }} StandInResponse
 * @typedef {{ method: string, path: string | RegExp, handle: (req: RecordedRequest & { params: string[] }) => StandInResponse | Promise<StandInResponse> }} Route
 * @typedef {{ method?: string, path?: string, bodyIncludes?: string, status?: number, body?: unknown,
 *   headers?: Record<string,string>, delayMs?: number, times?: number }} Fault
 */

const MAX_RECORDED = 5000;

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
        /** The raw query string, for APIs that repeat a parameter (Google's privateExtendedProperty). */
        search: url.search,
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
