/**
 * The direction of dependencies in src/ (issue 13, STYLE.md): routes → services → integrations,
 * db, Durable Objects, queues. Read from the source files' import lines (type-only imports and
 * re-exports count too: a layer should not even know the names of the one above it).
 *
 * Runs in the `node` project: it reads files, which workerd cannot.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const SRC = join(ROOT, "src");

interface Rule {
  /** Which importing files (as `src/…` without extension) the rule is about. */
  from: RegExp;
  /** Imports they may not have: `src/…` paths without extension, or package names. */
  forbid: RegExp[];
  why: string;
}

const ABOVE_DB = "services|routes|middleware|integrations|queues|side-effects|scheduled|durable-objects|app|index";
const RULES: Rule[] = [
  { from: /^src\/(config|data)\//, forbid: [/^src\//], why: "config/ and data/ are leaves: they import nothing of ours" },
  // errors.ts is the error model every layer throws; lib/validate needs its hook.
  { from: /^src\/lib\//, forbid: [/^src\/(?!lib\/|errors$)/], why: "lib/ imports nothing above it (only lib/ and errors)" },
  { from: /^src\/db\//, forbid: [new RegExp(`^src/(${ABOVE_DB})\\b`)], why: "db/ knows only the tables" },
  {
    from: /^src\/integrations\//,
    forbid: [/^src\/(db|services|routes|middleware|queues|durable-objects|app|index)\b/, /^drizzle-orm\b/, /^hono\b/, /^@hono\//],
    why: "integrations talk to a vendor: never to our tables (db/, drizzle) nor to the layers above",
  },
  {
    from: /^src\/services\//,
    forbid: [/^src\/(routes|middleware|app|index|scheduled)\b/, /^hono\b/, /^@hono\//],
    why: "services don't know HTTP: no Hono, no routes or middleware (cookies belong in middleware or the route)",
  },
  {
    // db/scope's assertId only checks an id's syntax; routes/webhooks verify and parse the vendor's
    // request with the integration's verify/schema modules (STYLE.md: verify raw body → parse → act).
    from: /^src\/routes\/(?!webhooks\/)/,
    forbid: [/^src\/(db\/(?!scope$)|integrations\/|durable-objects\/|queues\/|side-effects\/)/, /^drizzle-orm\b/],
    why: "routes call services; they don't reach the database, vendors, Durable Objects or queues themselves",
  },
  {
    from: /^src\/routes\/webhooks\//,
    forbid: [/^src\/(db\/(?!scope$)|durable-objects\/|queues\/|side-effects\/)/],
    why: "webhook routes verify and parse, then call services",
  },
  { from: /^src\/middleware\//, forbid: [/^src\/routes\//], why: "middleware runs before routes and knows none of them" },
  {
    // init builds the request's services (createServices): like it, a composition root.
    from: /^src\/middleware\/(?!init$)/,
    forbid: [/^src\/(db|integrations|durable-objects|queues)\//],
    why: "middleware uses services, not what is below them",
  },
  { from: /^src\/side-effects\/messages$/, forbid: [/^src\//], why: "the message union is a leaf every producer imports" },
  {
    from: /^src\/side-effects\//,
    forbid: [/^src\/(?!db\/|side-effects\/)/, /^hono\b/],
    why: "side-effects/ is a leaf below services: the messages and the once-only claims, knowing only the database",
  },
  { from: /^src\/scheduled\//, forbid: [/^src\/(routes|middleware|app)\b/, /^hono\b/], why: "the Cron Trigger handler is an entry point like queues/, without HTTP" },
  { from: /^src\/queues\//, forbid: [/^src\/(routes|middleware|app)\b/, /^hono\b/], why: "queue handlers are entry points like routes, without HTTP" },
  {
    // db/client only to load the driver and name the database the handlers are given.
    from: /^src\/queues\//,
    forbid: [/^src\/(db\/(?!client$)|side-effects\/claims$|integrations\/)/, /^drizzle-orm\b/],
    why: "queue handlers call services: no SQL, no claims, no vendors of their own",
  },
  {
    // createServices is the composition root the Durable Object builds its clients with.
    from: /^src\/durable-objects\//,
    forbid: [/^src\/(routes|middleware|integrations|app)\b/, /^src\/services\/(?!create-services$)/, /^hono\b/],
    why: "Durable Objects sit below services",
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** `src/a/b` for a file under the repository, without its extension (a folder's module keeps its `/index`). */
function moduleId(path: string): string {
  return relative(ROOT, path).replaceAll("\\", "/").replace(/\.(ts|mts|js|mjs)$/, "");
}

function resolveRelative(fromFile: string, specifier: string): string {
  const base = resolve(dirname(fromFile), specifier.replace(/\.(js|ts)$/, ""));
  for (const candidate of [`${base}.ts`, join(base, "index.ts"), base]) {
    try {
      if (statSync(candidate).isFile()) return moduleId(candidate);
    } catch {
      // try the next candidate
    }
  }
  return moduleId(base);
}

/** Every import, re-export and dynamic import of a file, as `src/…` ids or package names. */
function importsOf(file: string, source: string): string[] {
  return ts.preProcessFile(source, true, true).importedFiles.map(({ fileName }) =>
    fileName.startsWith(".") ? resolveRelative(file, fileName) : fileName,
  );
}

type Edge = { from: string; to: string };

/** The edges that break a rule, each as `from -> to` with the rule's reason. */
function violations(edges: Edge[], rules: Rule[] = RULES): { edge: string; why: string }[] {
  return edges.flatMap(({ from, to }) =>
    rules
      .filter((rule) => rule.from.test(from) && rule.forbid.some((pattern) => pattern.test(to)))
      .map((rule) => ({ edge: `${from} -> ${to}`, why: rule.why })),
  );
}

function edgesOfSrc(): Edge[] {
  return sourceFiles(SRC).flatMap((file) => {
    const from = moduleId(file);
    return importsOf(file, readFileSync(file, "utf8")).map((to) => ({ from, to }));
  });
}

describe("the direction of dependencies in src/", () => {
  const found = violations(edgesOfSrc());

  it("every import follows the layer rules", () => {
    expect(found.map(({ edge, why }) => `${edge}: ${why}`)).toEqual([]);
  });

  it("the checker catches each kind of violation it is meant to", () => {
    const bad: Edge[] = [
      { from: "src/lib/schemas", to: "src/services/accounts/passwords" },
      { from: "src/services/accounts/sessions", to: "hono/cookie" },
      { from: "src/integrations/vapi/credential", to: "src/db/schema" },
      { from: "src/integrations/vapi/credential", to: "drizzle-orm" },
      { from: "src/routes/me/index", to: "src/db/schema" },
      { from: "src/routes/health/index", to: "drizzle-orm" },
      { from: "src/routes/generate/index", to: "src/integrations/openrouter/client" },
      { from: "src/db/client", to: "src/services/credits/index" },
      { from: "src/middleware/auth", to: "src/db/schema" },
      { from: "src/routes/billing/index", to: "src/integrations/stripe/client" },
      { from: "src/routes/google/index", to: "src/integrations/google/oauth" },
      { from: "src/durable-objects/credit-account/index", to: "src/services/credits/index" },
      { from: "src/side-effects/messages", to: "src/db/schema" },
      { from: "src/side-effects/claims", to: "src/services/ops/dead-letters" },
      { from: "src/routes/auth/index", to: "src/side-effects/claims" },
      { from: "src/queues/sheets", to: "drizzle-orm" },
      { from: "src/queues/email", to: "src/side-effects/claims" },
    ];
    expect(violations(bad).map(({ edge }) => edge)).toEqual(bad.map(({ from, to }) => `${from} -> ${to}`));
    const fine: Edge[] = [
      { from: "src/routes/agents/index", to: "src/services/agents/index" },
      { from: "src/routes/agents/index", to: "src/db/scope" },
      { from: "src/routes/webhooks/vapi", to: "src/integrations/vapi/verify" },
      { from: "src/services/agents/index", to: "src/integrations/vapi/client" },
      { from: "src/lib/validate", to: "src/errors" },
      { from: "src/durable-objects/credit-account/index", to: "src/services/create-services" },
      { from: "src/services/billing/refunds", to: "src/durable-objects/credit-account/early-refunds" },
      { from: "src/routes/auth/index", to: "src/middleware/session-cookie" },
      { from: "src/middleware/init", to: "src/db/client" },
      { from: "src/services/calls/report", to: "src/side-effects/messages" },
      { from: "src/side-effects/claims", to: "src/db/client" },
    ];
    expect(violations(fine)).toEqual([]);
  });

  it("reads imports of every form: type-only, re-exports and dynamic", () => {
    const file = join(SRC, "services", "example.ts");
    const source = 'import type { A } from "../db/client";\nexport { B } from "hono";\nconst c = await import("./agents");';
    expect(importsOf(file, source)).toEqual(["src/db/client", "hono", "src/services/agents/index"]);
  });
});
