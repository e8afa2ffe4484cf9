/**
 * Database round trips per request, counted where they arrive: the local Neon-HTTP endpoint
 * counts every POST it receives (one per query or batch, which is one round trip to Neon).
 * Requests go one at a time, so the count between two answers belongs to one request; work a
 * request only enqueues (the queue consumer) runs seconds later and is not counted.
 */

/**
 * @param {{ readonly requestsReceived: number }} endpoint
 * @param {() => Promise<Response>} send  one request; must answer 2xx
 * @param {number} [samples]
 * @returns {Promise<{ perRequest: number, max: number, samples: number }>}
 */
export async function countRoundTrips(endpoint, send, samples = 10) {
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
