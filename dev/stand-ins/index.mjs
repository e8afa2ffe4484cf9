import fs from "node:fs";
import { googleStandIn } from "./google.mjs";
import { openRouterStandIn } from "./openrouter.mjs";
import { sampleWebsiteStandIn } from "./sample-website.mjs";
import { smtpStandIn } from "./smtp.mjs";
import { stripeStandIn } from "./stripe.mjs";
import { twilioStandIn } from "./twilio.mjs";
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
 *   start: (options: { port?: number, appUrl?: string, dataDir?: string | null, relayWebhooks?: boolean }) => Promise<RunningStandIn>,
 *   bindings: (standIn: RunningStandIn) => Record<string, string> }} StandInDefinition
 * `overrideVariable` is the base-URL variable that points the real client elsewhere;
 * `realKeyVariable` the key whose presence means "use the real service" in `npm run dev`;
 * `bindings` the variables (base URL, sandbox keys) that point the worker at the stand-in.
 * `start` gets `dataDir` to keep its state in (kit.mjs "Kept state"); none means memory only;
 * `relayWebhooks` parks what it would send to the app on its own relay (kit.mjs "Relay").
 */

/** @type {StandInDefinition[]} */
export const standInDefinitions = [vapiStandIn, openRouterStandIn, stripeStandIn, smtpStandIn, googleStandIn, twilioStandIn, sampleWebsiteStandIn];

/**
 * @param {{ names?: string[], appUrl?: string, dataDir?: string | null, wipe?: boolean, relayWebhooks?: boolean }} [options]
 *   `dataDir`: where the stand-ins keep their state across restarts (`npm run dev`: .data/stand-ins);
 *   `wipe`: forget it first (the database it belonged to was created afresh).
 * @returns {Promise<{ services: Record<string, RunningStandIn>, bindings: Record<string, string>, close: () => Promise<void> }>}
 */
export async function startStandIns({ names, appUrl, dataDir = null, wipe = false, relayWebhooks = false } = {}) {
  if (dataDir && wipe) fs.rmSync(dataDir, { recursive: true, force: true });
  /** @type {Record<string, RunningStandIn>} */
  const services = {};
  /** @type {Record<string, string>} */
  const bindings = {};
  for (const definition of standInDefinitions) {
    if (names && !names.includes(definition.name)) continue;
    const running = await definition.start({ appUrl, dataDir, relayWebhooks });
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
