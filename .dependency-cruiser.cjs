/**
 * The direction of dependencies in src/ (docs/decisions/1000-dependency-direction.md), checked by
 * `npm run lint` (`depcruise src`) and by test/architecture.test.ts, which also checks that each
 * rule catches what it is meant to. The one home of these rules.
 *
 * Read: routes → services → integrations, db, Durable Objects, side-effects; config/, data/,
 * errors.ts and side-effects/messages.ts are leaves; queue handlers call services; hono-env.ts (the Hono context) is the top, imported only by
 * app.ts, middleware/ and routes/. Type-only imports, re-exports and `import()` count too: a
 * layer should not even know the names of the one above it. Paths are as dependency-cruiser
 * resolves them: `src/…/file.ts`, and a package as `node_modules/<name>/…`.
 */

/** A package by name, resolved (node_modules/…) or not (a type-only import of a subpath). */
const pkg = (names) => `(^|node_modules/)(${names})(/|$)`;
const HONO = pkg("hono|@hono/[^/]+");
const DRIZZLE = pkg("drizzle-orm");

/** @type {import('dependency-cruiser').IForbiddenRuleType[]} */
const layers = [
  {
    name: "config-is-a-leaf",
    comment: "config/ is a leaf: it imports nothing of ours outside config/",
    from: { path: "^src/config/" },
    to: { path: "^src/", pathNot: "^src/config/" },
  },
  {
    name: "data-is-a-leaf",
    comment: "data/ is a leaf: it imports nothing of ours",
    from: { path: "^src/data/" },
    to: { path: "^src/" },
  },
  {
    name: "errors-is-a-leaf",
    comment: "errors.ts is the error model every layer throws: it imports nothing of ours, nor Hono (middleware/error-handler renders it)",
    from: { path: "^src/errors\\.ts$" },
    to: { path: `^src/|${HONO}` },
  },
  {
    name: "messages-is-a-leaf",
    comment: "the message union is a leaf every producer imports",
    from: { path: "^src/side-effects/messages\\.ts$" },
    to: { path: "^src/" },
  },
  {
    name: "side-effects-know-only-the-database",
    comment: "side-effects/ is a leaf below services: the messages and the once-only claims, knowing only the database",
    from: { path: "^src/side-effects/" },
    to: { path: `^src/|${HONO}`, pathNot: "^src/(db|side-effects)/" },
  },
  {
    name: "bindings-names-only-the-messages",
    comment: "bindings.ts types the worker's bindings (worker-configuration.d.ts) and their queues' messages, nothing else",
    from: { path: "^src/bindings\\.ts$" },
    to: { path: "^src/", pathNot: "^src/side-effects/messages\\.ts$" },
  },
  {
    name: "hono-env-is-the-top",
    comment: "the Hono context (hono-env.ts) names services, sessions and the database: only app.ts, middleware/ and routes/ may know it",
    from: { pathNot: "^src/(app\\.ts|middleware/|routes/)" },
    to: { path: "^src/hono-env\\.ts$" },
  },
  {
    name: "lib-imports-only-lib",
    comment: "lib/ imports nothing above it (only lib/ and errors.ts)",
    from: { path: "^src/lib/" },
    to: { path: "^src/", pathNot: "^src/(lib/|errors\\.ts$)" },
  },
  {
    name: "db-knows-only-the-tables",
    comment: "db/ knows only the tables",
    from: { path: "^src/db/" },
    to: { path: "^src/(services|routes|middleware|integrations|queues|side-effects|scheduled|durable-objects)/|^src/(app|index)\\.ts$" },
  },
  {
    name: "integrations-talk-to-a-vendor",
    comment: "integrations talk to a vendor: never to our tables (db/, drizzle) nor to the layers above",
    from: { path: "^src/integrations/" },
    to: { path: `^src/(db|services|routes|middleware|queues|durable-objects)/|^src/(app|index)\\.ts$|${DRIZZLE}|${HONO}` },
  },
  {
    name: "services-know-no-http",
    comment: "services don't know HTTP: no Hono, no routes or middleware (cookies belong in middleware or the route)",
    from: { path: "^src/services/" },
    to: { path: `^src/(routes|middleware|scheduled)/|^src/(app|index)\\.ts$|${HONO}` },
  },
  {
    // db/scope's assertId only checks an id's syntax.
    name: "routes-call-services",
    comment: "routes call services; they don't reach the database, vendors, Durable Objects or queues themselves",
    from: { path: "^src/routes/", pathNot: "^src/routes/webhooks/" },
    to: { path: `^src/(db/|integrations/|durable-objects/|queues/|side-effects/)|${DRIZZLE}`, pathNot: "^src/db/scope\\.ts$" },
  },
  {
    // Webhook routes verify and parse the vendor's request with the integration's verify/schema
    // modules (verify the raw body → parse → act).
    name: "webhook-routes-verify-then-call-services",
    comment: "webhook routes verify and parse, then call services",
    from: { path: "^src/routes/webhooks/" },
    to: { path: "^src/(db/|durable-objects/|queues/|side-effects/)", pathNot: "^src/db/scope\\.ts$" },
  },
  {
    name: "middleware-knows-no-route",
    comment: "middleware runs before routes and knows none of them",
    from: { path: "^src/middleware/" },
    to: { path: "^src/routes/" },
  },
  {
    // init builds the request's services (createServices): like it, a composition root.
    name: "middleware-uses-services",
    comment: "middleware uses services, not what is below them",
    from: { path: "^src/middleware/", pathNot: "^src/middleware/init\\.ts$" },
    to: { path: "^src/(db|integrations|durable-objects|queues)/" },
  },
  {
    name: "scheduled-has-no-http",
    comment: "the Cron Trigger handler is an entry point like queues/, without HTTP",
    from: { path: "^src/scheduled/" },
    to: { path: `^src/(routes|middleware)/|^src/app\\.ts$|${HONO}` },
  },
  {
    name: "queues-have-no-http",
    comment: "queue handlers are entry points like routes, without HTTP",
    from: { path: "^src/queues/" },
    to: { path: `^src/(routes|middleware)/|^src/app\\.ts$|${HONO}` },
  },
  {
    // db/client only to load the driver; the handlers are given the batch's services.
    name: "queues-call-services",
    comment: "queue handlers call services: no SQL, no claims, no vendors of their own",
    from: { path: "^src/queues/" },
    to: { path: `^src/(db/|side-effects/claims\\.ts$|integrations/)|${DRIZZLE}`, pathNot: "^src/db/client\\.ts$" },
  },
  {
    // The object builds its own small core (durable-objects/credit-account/core.ts).
    name: "durable-objects-sit-below-services",
    comment: "Durable Objects sit below services",
    from: { path: "^src/durable-objects/" },
    to: { path: `^src/(routes|middleware|integrations|services)/|^src/app\\.ts$|${HONO}` },
  },
];

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "an import circle, type-only imports included: one value import on it would make a real cycle at load time",
      from: {},
      to: { circular: true },
    },
    ...layers.map((rule) => ({ severity: "error", ...rule })),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Type-only imports are edges too (they are erased before bundling, not before reading).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
