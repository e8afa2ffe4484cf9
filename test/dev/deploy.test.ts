/**
 * `npm run deploy` (dev/deploy/): the plan and its idempotency, against a recording command
 * runner standing in for wrangler (a small fake Cloudflare account that answers wrangler's
 * output formats), the Vapi and Stripe stand-ins through their real SDKs, and a PGlite database
 * migrated by the deploy itself. Proves: a dry run changes nothing; a second apply is a no-op; a
 * half-failed apply resumes without redoing finished steps; another environment's objects in
 * the same Vapi org and Stripe account are never touched.
 */
import fs from "node:fs";
import path from "node:path";
import { VapiClient } from "@vapi-ai/server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { openDatabase } from "../../dev/db/backend.mjs";
import { applyDeploy, deployStatus, planDeploy, type StepResult } from "../../dev/deploy/plan.mjs";
import { DEPLOY_STEPS, type DeployContext, pagesProjectFor, REQUIRED_SECRETS } from "../../dev/deploy/steps.mjs";
import { createStripe, handledStripeEvents } from "../../dev/deploy/stripe-webhook.mjs";
import { createVapi, VAPI_WEBHOOK_PATH, webhookCredentialDto } from "../../dev/deploy/vapi-webhooks.mjs";
import { environmentNames, wranglerEnvironment } from "../../dev/deploy/wrangler-config.mjs";
import { startStripeStandIn } from "../../dev/stand-ins/stripe.mjs";
import { startVapiStandIn, VAPI_SANDBOX_API_KEY } from "../../dev/stand-ins/vapi.mjs";
import { HANDLED_STRIPE_EVENTS } from "../../src/integrations/stripe/events";
import { webhookCredentialDto as workerCredentialDto } from "../../src/integrations/vapi/webhook-credential";
import { WEBHOOK_PATH } from "../../src/services/assistant";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TOML = fs.readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
const MUTATING = /^wrangler (queues create|pages project create|deploy|pages deploy|secret put|secret delete)\b|^vite build/;

/**
 * A Cloudflare account as wrangler shows it: whoami, queues, Pages projects and deployments,
 * secrets, worker versions. Records every command; `failOnce` makes the next matching command
 * fail as wrangler does (exit 1, an error on stderr).
 */
function fakeCloudflare(workerName: string) {
  const state = {
    loggedIn: true,
    queues: new Set<string>(),
    projects: new Set<string>(),
    secrets: new Set<string>(),
    workerTag: undefined as string | undefined,
    pagesSource: undefined as string | undefined,
  };
  const commands: string[] = [];
  const failures: RegExp[] = [];
  const ok = (stdout = "") => ({ code: 0, stdout, stderr: "" });
  const fail = (stderr: string) => ({ code: 1, stdout: "", stderr });
  const runner = {
    async run(argv: string[]) {
      const line = argv.join(" ");
      commands.push(line);
      const failing = failures.findIndex((pattern) => pattern.test(line));
      if (failing >= 0) {
        failures.splice(failing, 1);
        return fail("✘ [ERROR] A request to the Cloudflare API failed. (500)");
      }
      const [tool, ...args] = argv;
      const a = args.join(" ");
      if (tool === "vite" || tool === "node") return ok("built");
      if (a === "whoami") return state.loggedIn ? ok("You are logged in with an OAuth Token, associated with the email ops@example.com.\n") : ok("You are not authenticated. Please run `wrangler login`.\n");
      if (!state.loggedIn) return fail("✘ [ERROR] You are not authenticated.");
      if (a === "queues list") return ok(`┌──┬──┐\n${[...state.queues].map((name) => `│ id-${name} │ ${name} │`).join("\n")}\n└──┴──┘`);
      if (args[0] === "queues" && args[1] === "create") {
        state.queues.add(args[2] as string);
        return ok(`Created queue ${args[2]}.`);
      }
      if (a === "pages project list --json") return ok(JSON.stringify([...state.projects].map((name) => ({ "Project Name": name, "Project Domains": `${name}.pages.dev` }))));
      if (a.startsWith("pages project create ")) {
        state.projects.add(args[3] as string);
        return ok("✨ Successfully created the project.");
      }
      if (args[0] === "secret" && args[1] === "list") {
        if (!state.secrets.size && !state.workerTag) return fail(`✘ [ERROR] Worker "${workerName}" (env: production) not found.`);
        return ok(JSON.stringify([...state.secrets].map((name) => ({ name, type: "secret_text" })), null, "  "));
      }
      if (args[0] === "deployments" && args[1] === "status") {
        return state.workerTag ? ok(JSON.stringify({ id: "dep-1", versions: [{ version_id: "ver-live", percentage: 100 }] })) : fail("✘ [ERROR] This Worker does not exist on your account. [code: 10007]");
      }
      if (args[0] === "versions" && args[1] === "view") return ok(JSON.stringify({ id: args[2], annotations: { "workers/tag": state.workerTag } }));
      if (args[0] === "deploy") {
        state.workerTag = args[args.indexOf("--tag") + 1];
        return ok("Uploaded agentline-api-production");
      }
      if (args[0] === "pages" && args[1] === "deployment" && args[2] === "list") {
        return ok(JSON.stringify(state.pagesSource ? [{ Id: "d1", Environment: "Production", Branch: "main", Source: state.pagesSource, Status: "1 minute ago" }] : []));
      }
      if (args[0] === "pages" && args[1] === "deploy") {
        state.pagesSource = (args[args.indexOf("--commit-hash") + 1] as string).slice(0, 7);
        return ok("✨ Deployment complete!");
      }
      return fail(`unexpected command: ${line}`);
    },
  };
  return { state, commands, runner, failOnce: (pattern: RegExp) => failures.push(pattern) };
}

describe("wrangler.toml's deployed environments", () => {
  it("staging and production side by side, each with its own worker, ENVIRONMENT_ID, queues and dead-letter queue", () => {
    expect(environmentNames(TOML)).toEqual(["staging", "production"]);
    const [staging, production] = ["staging", "production"].map((name) => wranglerEnvironment(TOML, name));
    for (const env of [staging, production]) {
      expect(env?.vars.AGENTLINE_MODE).toBe("production");
      expect(env?.vars.APP_URL).toMatch(/^https:\/\//);
      // The consumer tells its dead-letter queue by this suffix (src/queues/consumer.ts).
      expect(env?.deadLetterQueues.length).toBe(1);
      expect(env?.deadLetterQueues.every((name) => name.endsWith("-dlq"))).toBe(true);
    }
    expect(staging?.workerName).not.toBe(production?.workerName);
    expect(staging?.vars.ENVIRONMENT_ID).not.toBe(production?.vars.ENVIRONMENT_ID);
    expect(staging?.vars.APP_URL).not.toBe(production?.vars.APP_URL);
    expect(staging?.queues.filter((name) => production?.queues.includes(name))).toEqual([]);
  });

  it("the deploy reads each environment as wrangler itself does", () => {
    for (const name of environmentNames(TOML)) {
      const ours = wranglerEnvironment(TOML, name);
      const wranglers = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml"), env: name });
      expect(ours.workerName).toBe(wranglers.name);
      expect(ours.vars).toEqual(wranglers.vars);
      const queues = [...wranglers.queues.producers.map((q: { queue: string }) => q.queue), ...wranglers.queues.consumers.flatMap((q: { queue: string; dead_letter_queue?: string }) => [q.queue, q.dead_letter_queue ?? []].flat())];
      expect([...ours.queues].sort()).toEqual([...new Set(queues)].sort());
      // The Durable Object migration and the lazy built-ins are inherited from the top level.
      expect(wranglers.migrations).toHaveLength(1);
      expect(Object.keys(wranglers.alias ?? {}).length).toBeGreaterThan(0);
    }
  });

  it("the deploy's copies of the worker's webhook path, credential and Stripe events are the worker's", () => {
    expect(VAPI_WEBHOOK_PATH).toBe(WEBHOOK_PATH);
    expect(webhookCredentialDto("k", "staging")).toEqual(workerCredentialDto("k", "staging"));
    expect(handledStripeEvents()).toEqual([...HANDLED_STRIPE_EVENTS]);
  });
});

describe("npm run deploy: plan → apply", () => {
  let vapiStandIn: Awaited<ReturnType<typeof startVapiStandIn>>;
  let stripeStandIn: Awaited<ReturnType<typeof startStripeStandIn>>;
  let database: Awaited<ReturnType<typeof openDatabase>>;
  let vapi: VapiClient;
  const env = wranglerEnvironment(TOML, "production");
  const ourUrl = `${env.vars.APP_URL}/api/webhooks/vapi`;
  const stagingUrl = "https://staging.app.example.com/api/webhooks/vapi";
  const cloudflare = fakeCloudflare(env.workerName);
  const printed: string[] = [];
  const ids = { ours: "", oursRight: "", staging: "", numberByRow: "", numberByAssistant: "", stagingNumber: "" };

  const inputs = () => ({
    DATABASE_URL: "postgresql://unused-pglite",
    VAPI_API_KEY: VAPI_SANDBOX_API_KEY,
    VAPI_BASE_URL: vapiStandIn.url,
    VAPI_WEBHOOK_SECRET: "deploy-test-webhook-secret",
    STRIPE_SECRET_KEY: stripeStandIn.secretKey,
    STRIPE_API_BASE: stripeStandIn.url,
  });
  const context = (overrides: Partial<DeployContext> = {}): DeployContext => {
    const given = overrides.inputs ?? inputs();
    const vapiClient = createVapi(given);
    const stripeClient = createStripe(given);
    return {
      env,
      pagesProject: pagesProjectFor(env.name),
      inputs: given,
      runner: cloudflare.runner,
      vapi: () => vapiClient,
      stripe: () => stripeClient,
      database: async () => (given.DATABASE_URL ? database.pool : undefined),
      migrationsDir: path.join(ROOT, "migrations"),
      versions: { worker: "a".repeat(64), dashboard: "b".repeat(64) },
      print: (line) => printed.push(line),
      facts: {},
      ...overrides,
    };
  };
  /** Writes the vendors saw since the mark: what an apply changed there. */
  const vendorWrites = (vapiMark: number, stripeMark: number) => [
    ...vapiStandIn.requests().filter((r) => r.seq > vapiMark && r.method !== "GET").map((r) => `vapi ${r.method} ${r.path}`),
    ...stripeStandIn.requests().filter((r) => r.seq > stripeMark && r.method !== "GET").map((r) => `stripe ${r.method} ${r.path}`),
  ];
  const marks = () => [vapiStandIn.requests().at(-1)?.seq ?? 0, stripeStandIn.requests().at(-1)?.seq ?? 0] as const;
  const outcomes = (results: StepResult[]) => Object.fromEntries(results.map((result) => [result.id, result.outcome]));
  async function applyOnce() {
    const start = cloudflare.commands.length;
    const [vapiMark, stripeMark] = marks();
    const results = await applyDeploy(DEPLOY_STEPS, context());
    const commands = cloudflare.commands.slice(start);
    return { results, status: deployStatus(results, { dryRun: false }), changes: [...commands.filter((c) => MUTATING.test(c)), ...vendorWrites(vapiMark, stripeMark)] };
  }
  async function server(kind: "assistant" | "phone-number", id: string) {
    const response = await fetch(`${vapiStandIn.url}/${kind}/${id}`, { headers: { authorization: `Bearer ${VAPI_SANDBOX_API_KEY}` } });
    return ((await response.json()) as { server?: { url?: string; credentialId?: string; timeoutSeconds?: number } }).server;
  }

  beforeAll(async () => {
    vapiStandIn = await startVapiStandIn();
    stripeStandIn = await startStripeStandIn();
    database = await openDatabase({ databaseUrl: null, dataDir: null });
    vapi = new VapiClient({ token: VAPI_SANDBOX_API_KEY, baseUrl: vapiStandIn.url });
    const assistant = (environmentId: string, url: string) =>
      vapi.assistants.create({ name: `a ${environmentId}`, server: { url, timeoutSeconds: 20 }, metadata: { environmentId, agentId: crypto.randomUUID(), userId: crypto.randomUUID() } });
    ids.ours = (await assistant("production", "https://old.example.com/api/webhooks/vapi")).id;
    ids.staging = (await assistant("staging", stagingUrl)).id;
    ids.numberByAssistant = ((await vapi.phoneNumbers.create({ provider: "vapi", assistantId: ids.ours, server: { url: "https://old.example.com/x" } })) as { id: string }).id;
    ids.stagingNumber = ((await vapi.phoneNumbers.create({ provider: "vapi", assistantId: ids.staging, server: { url: stagingUrl } })) as { id: string }).id;
    ids.numberByRow = ((await vapi.phoneNumbers.create({ provider: "vapi" })) as { id: string }).id;
    // Staging's endpoint in the same Stripe account.
    await createStripe({ STRIPE_SECRET_KEY: stripeStandIn.secretKey, STRIPE_API_BASE: stripeStandIn.url })?.webhookEndpoints.create({
      url: "https://staging.app.example.com/api/webhooks/stripe",
      enabled_events: ["charge.refunded"],
      metadata: { environmentId: "staging" },
    });
    for (const name of REQUIRED_SECRETS) if (name !== "STRIPE_WEBHOOK_SECRET") cloudflare.state.secrets.add(name);
  }, 60_000);
  afterAll(async () => {
    await vapiStandIn?.close();
    await stripeStandIn?.close();
    await database?.close();
  });

  it("a dry run on a fresh clone (no login, no values) prints every step and changes nothing", async () => {
    cloudflare.state.loggedIn = false;
    const start = cloudflare.commands.length;
    const [vapiMark, stripeMark] = marks();
    const results = await planDeploy(DEPLOY_STEPS, context({ inputs: {} }));
    cloudflare.state.loggedIn = true;
    expect(results.map((result) => result.id)).toEqual(DEPLOY_STEPS.map((step) => step.id));
    expect(outcomes(results)).toMatchObject({ inputs: "person", "cloudflare-login": "person", queues: "blocked", worker: "blocked", "stripe-webhook": "blocked" });
    expect(results.find((result) => result.id === "secrets")?.actions).toEqual(["npx wrangler secret put NAME --env production"]);
    expect(cloudflare.commands.slice(start)).toEqual(["wrangler whoami"]);
    expect(vendorWrites(vapiMark, stripeMark)).toEqual([]);
    expect(deployStatus(results, { dryRun: true })).toMatchObject({ code: 0, line: expect.stringContaining("DRY RUN, nothing was changed") });
  });

  it("a dry run with everything reachable lists what it would do and still changes nothing", async () => {
    const start = cloudflare.commands.length;
    const [vapiMark, stripeMark] = marks();
    const results = await planDeploy(DEPLOY_STEPS, context());
    expect(outcomes(results)).toMatchObject({ queues: "planned", "pages-project": "planned", migrations: "planned", "vapi-credential": "planned", "stripe-webhook": "planned" });
    expect(results.find((result) => result.id === "queues")?.actions).toEqual(env.queues.map((name) => `npx wrangler queues create ${name}`));
    expect(cloudflare.commands.slice(start).filter((command) => MUTATING.test(command))).toEqual([]);
    expect(vendorWrites(vapiMark, stripeMark)).toEqual([]);
  });

  it("the first apply creates what is missing, fixes only this environment's objects, prints the Stripe secret once, and names the missing secret", async () => {
    const first = await applyOnce();
    expect(outcomes(first.results)).toMatchObject({
      queues: "changed",
      "pages-project": "changed",
      migrations: "changed",
      "vapi-credential": "changed",
      "stripe-webhook": "changed",
      secrets: "person",
      worker: "blocked",
      dashboard: "changed",
    });
    expect(first.results.find((result) => result.id === "secrets")?.actions).toEqual(["npx wrangler secret put STRIPE_WEBHOOK_SECRET --env production"]);
    expect(first.status.code).toBe(3);
    expect([...cloudflare.state.queues]).toEqual(env.queues);
    // The worker finds the credential where services/vapi/webhook-credential-id.ts looks.
    const { rows } = await database.pool.query("select value from app_settings where key = 'vapi_credential_id'");
    const credentialId = rows[0]?.value as string;
    expect(credentialId).toBeTruthy();
    // The number listed in our phone_numbers is ours too; it appears on the next run.
    const { rows: users } = await database.pool.query("insert into businesses (name) values ('Owner') returning id");
    await database.pool.query("insert into phone_numbers (business_id, vapi_phone_number_id) values ($1, $2)", [users[0]?.id, ids.numberByRow]);

    const stripe = createStripe(inputs());
    const endpoints = (await stripe?.webhookEndpoints.list({ limit: 100 }))?.data ?? [];
    const ours = endpoints.find((endpoint) => endpoint.url === `${env.vars.APP_URL}/api/webhooks/stripe`);
    expect(ours?.enabled_events.sort()).toEqual([...HANDLED_STRIPE_EVENTS].sort());
    const secretShown = printed.join("\n").match(/whsec_[0-9a-f]+/g) ?? [];
    expect(secretShown).toHaveLength(1);
    // Staging's endpoint, assistant and number are exactly as they were.
    expect(endpoints.find((endpoint) => endpoint.url.includes("staging"))?.enabled_events).toEqual(["charge.refunded"]);
    expect(await server("assistant", ids.staging)).toEqual({ url: stagingUrl, timeoutSeconds: 20 });
    expect((await server("phone-number", ids.stagingNumber))?.url).toBe(stagingUrl);
    // Ours point at this APP_URL with our credential; the assistant keeps its timeout.
    expect(await server("assistant", ids.ours)).toEqual({ url: ourUrl, credentialId, timeoutSeconds: 20 });
    expect(await server("phone-number", ids.numberByAssistant)).toMatchObject({ url: ourUrl, credentialId });
  }, 60_000);

  it("a half-failed apply resumes on the next run without redoing finished steps", async () => {
    cloudflare.state.secrets.add("STRIPE_WEBHOOK_SECRET"); // the person set it, as the first run said
    cloudflare.failOnce(/^wrangler deploy /);
    const failed = await applyOnce();
    expect(failed.status.code).toBe(1);
    expect(outcomes(failed.results)).toMatchObject({ queues: "unchanged", migrations: "unchanged", "stripe-webhook": "unchanged", worker: "failed", dashboard: "not reached", "vapi-servers": "not reached" });
    expect(failed.changes).toEqual([expect.stringMatching(/^wrangler deploy --env production --minify --tag v-a{16}$/)]);

    const resumed = await applyOnce();
    expect(resumed.status).toMatchObject({ code: 0, line: expect.stringContaining("DEPLOYED") });
    expect(outcomes(resumed.results)).toMatchObject({ queues: "unchanged", "pages-project": "unchanged", migrations: "unchanged", "vapi-credential": "unchanged", "stripe-webhook": "unchanged", dashboard: "unchanged", worker: "changed", "vapi-servers": "changed" });
    // Only the deploy, and the number found through phone_numbers since the last run.
    expect(resumed.changes).toEqual([expect.stringMatching(/^wrangler deploy /), `vapi PATCH /phone-number/${ids.numberByRow}`]);
  }, 60_000);

  it("a second complete apply changes nothing", async () => {
    const again = await applyOnce();
    expect(again.changes).toEqual([]);
    expect(again.results.every((result) => ["unchanged", "person"].includes(result.outcome))).toBe(true);
    expect(again.status).toEqual({ code: 0, line: "UP TO DATE: nothing to change." });
    expect(printed.join("\n").match(/whsec_[0-9a-f]+/g)).toHaveLength(1);
  }, 60_000);
});
