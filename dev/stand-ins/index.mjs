import { googleStandIn } from "./google.mjs";
import { openRouterStandIn } from "./openrouter.mjs";
import { smtpStandIn } from "./smtp.mjs";
import { stripeStandIn } from "./stripe.mjs";
import { vapiStandIn } from "./vapi.mjs";

/**
 * Every stand-in the product talks to, started together: for the tests (test/global-setup.ts)
 * and for the sandbox (`npm run dev`). Each entry maps a stand-in to the worker variables
 * that point the real client at it.
 */

/**
 * @typedef {{ name: string, url: string, port: number, close: () => Promise<unknown> }} RunningStandIn
 * @typedef {{ name: string,
 *   overrideVariable?: string, realKeyVariable?: string,
 *   start: (options: { port?: number, appUrl?: string, dataDir?: string | null }) => Promise<RunningStandIn>,
 *   bindings: (standIn: RunningStandIn) => Record<string, string> }} StandInDefinition
 * `overrideVariable` is the base-URL variable that points the real client elsewhere;
 * `realKeyVariable` the key whose presence means "use the real service" in `npm run dev`;
 * `bindings` the variables (base URL, sandbox keys) that point the worker at the stand-in.
 */

/** @type {StandInDefinition[]} */
export const standInDefinitions = [vapiStandIn, openRouterStandIn, stripeStandIn, smtpStandIn, googleStandIn];

/**
 * @param {{ names?: string[], appUrl?: string, dataDir?: string | null }} [options]
 * `dataDir`: where a stand-in that keeps state across restarts saves it (the sandbox's .data/).
 * @returns {Promise<{ services: Record<string, RunningStandIn>, bindings: Record<string, string>, close: () => Promise<void> }>}
 */
export async function startStandIns({ names, appUrl, dataDir = null } = {}) {
  /** @type {Record<string, RunningStandIn>} */
  const services = {};
  /** @type {Record<string, string>} */
  const bindings = {};
  for (const definition of standInDefinitions) {
    if (names && !names.includes(definition.name)) continue;
    const running = await definition.start({ appUrl, dataDir });
    services[definition.name] = running;
    Object.assign(bindings, definition.bindings(running));
  }
  return {
    services,
    bindings,
    close: async () => {
      await Promise.all(Object.values(services).map((service) => service.close()));
    },
  };
}
