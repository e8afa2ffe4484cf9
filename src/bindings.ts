/**
 * The worker's bindings: what `wrangler types` reads from wrangler.toml (worker-configuration.d.ts,
 * regenerated with `npm run types`), with the side-effect queues typed by their message and the
 * variables set outside wrangler.toml (.dev.vars, `wrangler secret put`), which loadConfig parses.
 */
import type { SideEffectMessage } from "./side-effects/messages";

export type Bindings = Omit<Env, "SIDE_EFFECTS" | "SIDE_EFFECTS_DLQ"> & {
  SIDE_EFFECTS: Queue<SideEffectMessage>;
  SIDE_EFFECTS_DLQ: Queue<SideEffectMessage>;
  [variable: string]: unknown;
};
