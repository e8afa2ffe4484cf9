/**
 * The stand-ins' relay for webhooks to an app that cannot be reached over HTTP: described at
 * the top of kit.mjs ("Relay").
 */

/** How long a parked delivery waits to be taken before its sender gets a 504. */
const RELAY_TIMEOUT_MS = 30_000;

/** @typedef {import("./kit.mjs").StandInResponse} StandInResponse */

/**
 * The relay's parked deliveries (kit.mjs "Relay").
 * @typedef {{ id: number, method: string, path: string, headers: Record<string, string>, body: string }} Delivery
 */
export function createRelay() {
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
