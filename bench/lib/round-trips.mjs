/**
 * Database round trips per request, counted where they arrive: the local Neon-HTTP endpoint
 * counts every POST it receives (one per query or batch, which is one round trip to Neon).
 * Requests go one at a time, so the count between two answers belongs to one request; work a
 * request only enqueues (the queue consumer) runs seconds later and is not counted. Counting
 * starts once the endpoint has been quiet for a while: requests a load step left queued in the
 * app are still being answered after the load generator stops.
 */

/**
 * @param {{ readonly requestsReceived: number }} endpoint
 * @param {() => Promise<Response>} send  one request; must answer 2xx
 * @param {number} [samples]
 * @returns {Promise<{ perRequest: number, max: number, samples: number }>}
 */
export async function countRoundTrips(endpoint, send, samples = 10) {
  await quiet(endpoint);
  const counts = [];
  for (let index = 0; index < samples; index++) {
    const before = endpoint.requestsReceived;
    const response = await send();
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`round-trip count: HTTP ${response.status}`);
    counts.push(endpoint.requestsReceived - before);
  }
  return { perRequest: counts.reduce((sum, count) => sum + count, 0) / counts.length, max: Math.max(...counts), samples };
}

/** A fetch that sends what an autocannon target sends. */
export function sendTarget(appUrl, target) {
  return () =>
    fetch(`${appUrl}${target.path}`, { method: target.method ?? "GET", headers: target.headers, body: target.body });
}

/** Waits until the endpoint has received nothing for `quietMs` (at most `limitMs`). */
async function quiet(endpoint, quietMs = 1500, limitMs = 60_000) {
  const deadline = Date.now() + limitMs;
  let last = endpoint.requestsReceived;
  let stableSince = Date.now();
  while (Date.now() - stableSince < quietMs && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (endpoint.requestsReceived !== last) {
      last = endpoint.requestsReceived;
      stableSince = Date.now();
    }
  }
}
