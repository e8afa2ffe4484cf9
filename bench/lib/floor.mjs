/**
 * The floor budget (docs/architecture.md §11): our /api/ping, through every middleware a request passes,
 * against a bare one-route Hono worker on the same `wrangler dev` setup. The two are loaded in
 * alternation, round after round, so a neighbour's burst on this shared machine hits both.
 */
import { startBareWorker } from "./bare-worker.mjs";
import { runLoad, unexpectedAnswers } from "./load.mjs";

const ROUNDS = 3;
const IN_FLIGHT = 10;
const ping = { name: "GET /api/ping", path: "/api/ping", expectStatus: [204] };

/** @param {string} appUrl @param {{ seconds: number, assets?: string }} options */
export async function measureFloorBudget(appUrl, { seconds, assets }) {
  const bare = await startBareWorker({ assets });
  const rounds = [];
  try {
    // One unmeasured step each: both isolates warm, connections open.
    await runLoad(appUrl, ping, { inFlight: IN_FLIGHT, seconds: 1 });
    await runLoad(bare.url, ping, { inFlight: IN_FLIGHT, seconds: 1 });
    for (let round = 0; round < ROUNDS; round++) {
      const app = await runLoad(appUrl, ping, { inFlight: IN_FLIGHT, seconds });
      const reference = await runLoad(bare.url, ping, { inFlight: IN_FLIGHT, seconds });
      const wrong = unexpectedAnswers(app, [204]) ?? unexpectedAnswers(reference, [204]);
      if (wrong) throw new Error(`floor budget: /api/ping answered ${wrong}`);
      rounds.push({ appRps: app.rps, bareRps: reference.rps, appP99: app.p99, bareP99: reference.p99 });
    }
  } finally {
    await bare.close();
  }
  const appRps = rounds.reduce((sum, round) => sum + round.appRps, 0);
  const bareRps = rounds.reduce((sum, round) => sum + round.bareRps, 0);
  return { inFlight: IN_FLIGHT, rounds, throughputRatio: appRps / bareRps };
}
