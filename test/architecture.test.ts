/**
 * The direction of dependencies in src/ (docs/decisions/1000-dependency-direction.md). The rules
 * live once, in .dependency-cruiser.cjs, which `npm run lint` runs; this test runs the same
 * check under `npm test`, and checks that each rule catches the kind of import it is meant to
 * (a rule whose pattern has drifted would otherwise pass in silence).
 *
 * Runs in the `node` project: it reads files and starts dependency-cruiser, which workerd cannot.
 */
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const CONFIG = join(ROOT, ".dependency-cruiser.cjs");

interface PathCondition {
  path?: string;
  pathNot?: string;
  circular?: boolean;
}
interface Rule {
  name: string;
  comment: string;
  from: PathCondition;
  to: PathCondition;
}
interface Dependency {
  resolved: string;
  dependencyTypes: string[];
}
interface Cruise {
  modules: { source: string; dependencies: Dependency[] }[];
  summary: { violations: { rule: { name: string }; from: string; to: string; cycle?: { name: string }[] }[] };
}

const rules: Rule[] = createRequire(import.meta.url)(CONFIG).forbidden;
const layerRules = rules.filter((rule) => !rule.to.circular);

/** dependency-cruiser's reading of a path condition: matches `path` (if any) and not `pathNot`. */
function meets(condition: PathCondition, path: string): boolean {
  if (condition.path !== undefined && !new RegExp(condition.path).test(path)) return false;
  if (condition.pathNot !== undefined && new RegExp(condition.pathNot).test(path)) return false;
  return true;
}

/** The layer rules an edge breaks, by name. */
function broken(from: string, to: string): string[] {
  return layerRules.filter((rule) => meets(rule.from, from) && meets(rule.to, to)).map((rule) => rule.name);
}

function cruiseSrc(): Cruise {
  const depcruise = join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruise.mjs");
  const result = spawnSync(process.execPath, [depcruise, "src", "--config", CONFIG, "--output-type", "json"], {
    cwd: ROOT,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (!result.stdout) throw new Error(`dependency-cruiser printed nothing: ${result.stderr}`);
  return JSON.parse(result.stdout) as Cruise;
}

describe("the direction of dependencies in src/", () => {
  const cruise = cruiseSrc();

  it("has no import circle and no import against the layer rules", () => {
    const found = cruise.summary.violations.map(({ rule, from, to, cycle }) =>
      cycle ? `${rule.name}: ${[from, ...cycle.map((step) => step.name)].join(" -> ")}` : `${rule.name}: ${from} -> ${to}`,
    );
    expect(found).toEqual([]);
  });

  it("each layer rule catches the kind of import it is meant to", () => {
    const hono = "node_modules/hono/dist/types/helper/cookie/index.d.ts";
    const drizzle = "node_modules/drizzle-orm/index.d.ts";
    const bad: [string, string][] = [
      ["src/config/env.ts", "src/lib/logger.ts"],
      ["src/data/voices.ts", "src/config/packs.ts"],
      ["src/errors.ts", "src/hono-env.ts"],
      ["src/errors.ts", "node_modules/hono/dist/types/utils/http-status.d.ts"],
      ["src/side-effects/messages.ts", "src/db/schema.ts"],
      ["src/side-effects/claims.ts", "src/services/ops/dead-letters.ts"],
      ["src/routes/auth/index.ts", "src/side-effects/claims.ts"],
      ["src/queues/sheets.ts", drizzle],
      ["src/queues/email.ts", "src/side-effects/claims.ts"],
      ["src/bindings.ts", "src/durable-objects/credit-account/index.ts"],
      ["src/services/create-services.ts", "src/hono-env.ts"],
      ["src/lib/schemas.ts", "src/services/identity/passwords.ts"],
      ["src/services/identity/sessions.ts", hono],
      ["src/integrations/vapi/webhook-credential.ts", "src/db/schema.ts"],
      ["src/integrations/vapi/webhook-credential.ts", drizzle],
      ["src/routes/me/index.ts", "src/db/schema.ts"],
      ["src/routes/health/index.ts", drizzle],
      ["src/routes/generate/index.ts", "src/integrations/openrouter/client.ts"],
      ["src/db/client.ts", "src/services/credits/index.ts"],
      ["src/middleware/auth.ts", "src/db/schema.ts"],
      ["src/middleware/auth.ts", "src/routes/auth/index.ts"],
      ["src/routes/billing/index.ts", "src/integrations/stripe/client.ts"],
      ["src/routes/webhooks/stripe.ts", "src/side-effects/messages.ts"],
      ["src/queues/email.ts", hono],
      ["src/scheduled/index.ts", "src/app.ts"],
      ["src/durable-objects/credit-account/index.ts", "src/services/credits/index.ts"],
      ["src/durable-objects/credit-account/index.ts", "src/services/create-services.ts"],
    ];
    expect(bad.filter(([from, to]) => broken(from, to).length === 0).map(([from, to]) => `${from} -> ${to}`)).toEqual([]);
    const fine: [string, string][] = [
      ["src/config/env.ts", "src/config/packs.ts"],
      ["src/bindings.ts", "src/side-effects/messages.ts"],
      ["src/services/calls/report.ts", "src/side-effects/messages.ts"],
      ["src/side-effects/claims.ts", "src/db/client.ts"],
      ["src/queues/consumer.ts", "src/db/client.ts"],
      ["src/routes/agents/index.ts", "src/hono-env.ts"],
      ["src/middleware/error-handler.ts", "src/hono-env.ts"],
      ["src/app.ts", "src/hono-env.ts"],
      ["src/routes/agents/index.ts", "src/services/agents/index.ts"],
      ["src/routes/agents/index.ts", "src/db/scope.ts"],
      ["src/routes/webhooks/vapi.ts", "src/integrations/vapi/verify.ts"],
      ["src/services/agents/index.ts", "src/integrations/vapi/client.ts"],
      ["src/lib/validate.ts", "src/errors.ts"],
      ["src/durable-objects/credit-account/core.ts", "src/config/env.ts"],
      ["src/services/billing/refunds.ts", "src/durable-objects/credit-account/early-refunds.ts"],
      ["src/routes/auth/index.ts", "src/middleware/session-cookie.ts"],
      ["src/middleware/init.ts", "src/db/client.ts"],
    ];
    expect(fine.flatMap(([from, to]) => broken(from, to).map((name) => `${name}: ${from} -> ${to}`))).toEqual([]);
  });

  it("reads imports of every form: type-only, re-exports and dynamic", () => {
    const edges = new Map(cruise.modules.map((module) => [module.source, module.dependencies]));
    const typesOf = (from: string, to: string) =>
      (edges.get(from) ?? []).filter((dependency) => dependency.resolved === to).flatMap((dependency) => dependency.dependencyTypes);
    expect(typesOf("src/app.ts", "src/hono-env.ts")).toContain("type-only");
    expect(typesOf("src/index.ts", "src/durable-objects/credit-account/index.ts")).toContain("export");
    expect(typesOf("src/services/google/time.ts", "node_modules/temporal-polyfill/index.d.ts")).toContain("dynamic-import");
  });
});
