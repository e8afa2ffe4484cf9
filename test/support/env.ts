/** The bindings the worker runs with in tests, plus helpers to build variants of them. */
import { env } from "cloudflare:workers";
import type { Bindings } from "../../src/env";

export const testEnv = env as unknown as Bindings;

/** A copy of the test bindings with some variables replaced (undefined removes one). */
export function envWith(overrides: Record<string, string | undefined>): Bindings {
  const copy: Record<string, unknown> = { ...testEnv };
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete copy[name];
    else copy[name] = value;
  }
  return copy as Bindings;
}
