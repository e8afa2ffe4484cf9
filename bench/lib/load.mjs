/**
 * One load step: autocannon keeps `inFlight` requests open against one route for a fixed time,
 * and we keep every response time ourselves (autocannon's summary has no p95).
 */
import autocannon from "autocannon";

/**
 * @typedef {{ name: string, method?: string, path: string, headers?: Record<string, string>,
 *   body?: string, setupRequest?: (request: object) => object, expectStatus?: number[], requestsPerStep?: (inFlight: number) => number,
 *   send?: () => Promise<Response>, budget?: { p99TimesFloor?: number, maxRoundTrips?: number } }} Target
 * @typedef {{ inFlight: number, requests: number, rps: number, p50: number, p95: number, p99: number,
 *   statuses: Record<string, number>, errors: number, timeouts: number }} LoadResult
 */

/**
 * @param {string} baseUrl
 * @param {Target} target
 * @param {{ inFlight: number, seconds: number }} step
 * @returns {Promise<LoadResult>}
 */
export async function runLoad(baseUrl, target, { inFlight, seconds }) {
  const times = [];
  const statuses = {};
  const instance = autocannon({
    url: baseUrl,
    connections: inFlight,
    pipelining: 1,
    ...(target.requestsPerStep ? { amount: target.requestsPerStep(inFlight) } : { duration: seconds }),
    timeout: 60,
    requests: [
      {
        method: target.method ?? "GET",
        path: target.path,
        headers: target.headers,
        body: target.body,
        ...(target.setupRequest ? { setupRequest: target.setupRequest } : {}),
      },
    ],
  });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    times.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  times.sort((a, b) => a - b);
  return {
    inFlight,
    requests: times.length,
    rps: times.length / (result.duration || seconds),
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** What went wrong in a step, or null: any status outside `expected`, connection errors, no answer at all. */
export function unexpectedAnswers(result, expected = [200, 204]) {
  const unexpected = Object.entries(result.statuses).filter(([status]) => !expected.includes(Number(status)));
  if (!unexpected.length && !result.errors && result.requests) return null;
  return `${result.inFlight} in flight: ${JSON.stringify(result.statuses)}${result.errors ? `, ${result.errors} connection errors` : ""}`;
}
