/**
 * The deploy's steps, in order (plan.mjs runs them). Cloudflare is reached only through the
 * command runner (wrangler), the vendors only through their SDKs, the database through pg.
 * Each check reads what exists; each apply changes only what its check found missing or wrong.
 */
import { applyMigrations, pendingMigrations } from "../db/migrate.mjs";
import { stripeWebhookStep } from "./stripe-webhook.mjs";
import { vapiCredentialStep, vapiServersStep } from "./vapi-webhooks.mjs";

/**
 * @typedef {{
 *   env: import("./wrangler-config.mjs").WranglerEnvironment,
 *   pagesProject: string,
 *   inputs: Record<string, string | undefined>,
 *   runner: import("./runner.mjs").CommandRunner,
 *   vapi: () => import("@vapi-ai/server-sdk").VapiClient | undefined,
 *   stripe: () => import("stripe").Stripe | undefined,
 *   database: () => Promise<import("pg").Pool | undefined>,
 *   migrationsDir: string,
 *   versions: { worker: string, dashboard: string },
 *   print: (line: string) => void,
 *   facts: { loggedIn?: boolean, credentialId?: string, secretsComplete?: boolean, pagesProject?: boolean, missingSecrets?: string[] },
 * }} DeployContext
 * @typedef {import("./plan.mjs").Step<DeployContext>} DeployStep
 */

/** The worker's secrets (docs/architecture.md §8; .dev.vars.example says what each is). */
export const REQUIRED_SECRETS = [
  "DATABASE_URL",
  "VAPI_API_KEY",
  "VAPI_WEBHOOK_SECRET",
  "STRIPE_SECRET_KEY",
  "STRIPE_WEBHOOK_SECRET",
  "OPENROUTER_API_KEY",
  "GOOGLE_CLIENT_ID",
  "GOOGLE_CLIENT_SECRET",
  "GOOGLE_ENCRYPTION_KEY",
  "SMTP_HOST",
  "SMTP_USER",
  "SMTP_PASS",
  "SMTP_FROM",
  "OPS_TOKEN",
  "DEVICE_COOKIE_SECRET",
];

/**
 * What the deploy itself must know to talk to the vendors and the database: the same values as
 * the worker's secrets, given to this process (the environment, or `--vars FILE`), because
 * Cloudflare never reads a secret back.
 */
export const LOCAL_INPUTS = ["DATABASE_URL", "VAPI_API_KEY", "VAPI_WEBHOOK_SECRET", "STRIPE_SECRET_KEY"];

/** @param {DeployContext} ctx @param {string[]} args */
const wrangler = (ctx, ...args) => ctx.runner.run(["wrangler", ...args]);

/** @param {string} text @param {string} name */
const mentions = (text, name) => new RegExp(`(^|[^A-Za-z0-9_-])${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^A-Za-z0-9_-]|$)`, "m").test(text);

/** The first JSON value in a command's output (wrangler may print a warning before it). @param {string} text */
function jsonIn(text) {
  const start = text.search(/[[{]/);
  if (start < 0) throw new Error(`expected JSON, got: ${text.trim().slice(0, 200) || "(nothing)"}`);
  return JSON.parse(text.slice(start));
}

/** @param {import("./runner.mjs").CommandResult} result @param {string} what */
function failure(result, what) {
  return new Error(`${what} failed (exit ${result.code}): ${(result.stderr || result.stdout).trim().split("\n").slice(-3).join(" ").slice(0, 400)}`);
}

/** @type {DeployStep} */
const localInputs = {
  id: "inputs",
  title: "Values this run needs",
  async check(ctx) {
    const missing = LOCAL_INPUTS.filter((name) => !ctx.inputs[name]);
    if (!missing.length) return { status: "done", summary: `${LOCAL_INPUTS.join(", ")} given` };
    return {
      status: "person",
      summary: `not given: ${missing.join(", ")} (the steps that need them wait)`,
      actions: [`give them to this command, the same values as the worker's secrets: ${missing.map((name) => `${name}=…`).join(" ")} npm run deploy -- --env ${ctx.env.name}  (or --vars FILE)`],
    };
  },
};

/** @type {DeployStep} */
const cloudflareLogin = {
  id: "cloudflare-login",
  title: "Cloudflare login",
  async check(ctx) {
    const result = await wrangler(ctx, "whoami");
    const text = `${result.stdout}\n${result.stderr}`;
    ctx.facts.loggedIn = result.code === 0 && !/not authenticated|not logged in/i.test(text);
    if (ctx.facts.loggedIn) {
      const account = /associated with the email ([^\s.]+@[^\s]+?)\.?\s/i.exec(text)?.[1];
      return { status: "done", summary: account ? `logged in as ${account}` : "logged in" };
    }
    return { status: "person", summary: "not logged in", actions: ["npx wrangler login   (or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID)"] };
  },
};

/** @param {string} what */
const needsLogin = (what) => ({ status: /** @type {const} */ ("blocked"), summary: `${what} (checked once you are logged in to Cloudflare)` });

/** @type {DeployStep} */
const queues = {
  id: "queues",
  title: "Queues",
  async check(ctx) {
    const wanted = ctx.env.queues;
    if (!ctx.facts.loggedIn) return needsLogin(`would create any of ${wanted.join(", ")} that are missing`);
    const result = await wrangler(ctx, "queues", "list");
    if (result.code !== 0) throw failure(result, "wrangler queues list");
    const missing = wanted.filter((name) => !mentions(result.stdout, name));
    if (!missing.length) return { status: "done", summary: `${wanted.join(", ")} exist` };
    return { status: "todo", summary: `missing: ${missing.join(", ")}`, actions: missing.map((name) => `npx wrangler queues create ${name}`) };
  },
  async apply(ctx, check) {
    const missing = ctx.env.queues.filter((name) => check.actions?.some((action) => action.endsWith(` ${name}`)));
    for (const name of missing) {
      const result = await wrangler(ctx, "queues", "create", name);
      if (result.code !== 0) throw failure(result, `wrangler queues create ${name}`);
    }
    return `created ${missing.join(", ")}`;
  },
};

/** @type {DeployStep} */
const pagesProject = {
  id: "pages-project",
  title: "Pages project",
  async check(ctx) {
    const name = ctx.pagesProject;
    if (!ctx.facts.loggedIn) return needsLogin(`would create the Pages project ${name} if missing`);
    const result = await wrangler(ctx, "pages", "project", "list", "--json");
    if (result.code !== 0) throw failure(result, "wrangler pages project list");
    const projects = /** @type {{ "Project Name"?: string }[]} */ (jsonIn(result.stdout));
    ctx.facts.pagesProject = projects.some((project) => project["Project Name"] === name);
    if (ctx.facts.pagesProject) return { status: "done", summary: `${name} exists` };
    return { status: "todo", summary: `${name} does not exist`, actions: [`npx wrangler pages project create ${name} --production-branch main`] };
  },
  async apply(ctx) {
    const result = await wrangler(ctx, "pages", "project", "create", ctx.pagesProject, "--production-branch", "main");
    if (result.code !== 0) throw failure(result, `wrangler pages project create ${ctx.pagesProject}`);
    ctx.facts.pagesProject = true;
    return `created ${ctx.pagesProject}`;
  },
};

/** @type {DeployStep} */
const migrations = {
  id: "migrations",
  title: "Database migrations",
  async check(ctx) {
    const pool = await ctx.database();
    if (!pool) return { status: "blocked", summary: "would apply migrations/ to DATABASE_URL (not given to this run)" };
    const pending = await pendingMigrations(pool, ctx.migrationsDir);
    if (!pending.length) return { status: "done", summary: "up to date" };
    return { status: "todo", summary: `${pending.length} to apply`, actions: pending.map((tag) => `apply ${tag}`) };
  },
  async apply(ctx) {
    const pool = /** @type {import("pg").Pool} */ (await ctx.database());
    const applied = await applyMigrations(pool, ctx.migrationsDir);
    return `applied ${applied.join(", ") || "nothing"}`;
  },
};

/** @type {DeployStep} */
const secrets = {
  id: "secrets",
  title: "Worker secrets",
  async check(ctx) {
    const env = ctx.env.name;
    const command = (name) => `npx wrangler secret put ${name} --env ${env}`;
    if (!ctx.facts.loggedIn) {
      return { status: "blocked", summary: `would check ${REQUIRED_SECRETS.join(", ")} (once you are logged in); each is set with`, actions: [command("NAME")] };
    }
    const result = await wrangler(ctx, "secret", "list", "--env", env);
    /** @type {string[]} */
    let present = [];
    if (result.code === 0) present = /** @type {{ name: string }[]} */ (jsonIn(result.stdout)).map((secret) => secret.name);
    else if (!/not found/i.test(`${result.stdout}${result.stderr}`)) throw failure(result, "wrangler secret list");
    const missing = REQUIRED_SECRETS.filter((name) => !present.includes(name));
    ctx.facts.missingSecrets = missing;
    ctx.facts.secretsComplete = missing.length === 0;
    if (!missing.length) return { status: "done", summary: `all ${REQUIRED_SECRETS.length} set` };
    return { status: "person", summary: `missing: ${missing.join(", ")}`, actions: missing.map(command) };
  },
};

/** The worker is uploaded with its source version as the tag; the same tag live means nothing to do. */
const workerTag = (ctx) => `v-${ctx.versions.worker.slice(0, 16)}`;

/** @type {DeployStep} */
const worker = {
  id: "worker",
  title: "Worker",
  async check(ctx) {
    const env = ctx.env.name;
    const deploy = `npx wrangler deploy --env ${env} --minify --tag ${workerTag(ctx)}`;
    if (!ctx.facts.loggedIn) return needsLogin(`would deploy ${ctx.env.workerName} (${deploy}) unless this version is live`);
    if (!ctx.facts.secretsComplete) return { status: "blocked", summary: `would deploy ${ctx.env.workerName} once every secret is set`, actions: [deploy] };
    const status = await wrangler(ctx, "deployments", "status", "--env", env, "--json");
    if (status.code === 0) {
      const versions = /** @type {{ versions?: { version_id: string, percentage: number }[] }} */ (jsonIn(status.stdout)).versions ?? [];
      const live = versions.find((version) => version.percentage === 100);
      if (live) {
        const view = await wrangler(ctx, "versions", "view", live.version_id, "--env", env, "--json");
        if (view.code !== 0) throw failure(view, "wrangler versions view");
        const tag = /** @type {{ annotations?: Record<string, string> }} */ (jsonIn(view.stdout)).annotations?.["workers/tag"];
        if (tag === workerTag(ctx)) return { status: "done", summary: `${ctx.env.workerName} runs this version (${tag})` };
      }
    }
    return { status: "todo", summary: `${ctx.env.workerName} does not run this version`, actions: [deploy] };
  },
  async apply(ctx) {
    const result = await wrangler(ctx, "deploy", "--env", ctx.env.name, "--minify", "--tag", workerTag(ctx));
    if (result.code !== 0) throw failure(result, "wrangler deploy");
    return `deployed ${ctx.env.workerName} (${workerTag(ctx)})`;
  },
};

/** @type {DeployStep} */
const dashboard = {
  id: "dashboard",
  title: "Dashboard",
  async check(ctx) {
    const project = ctx.pagesProject;
    const hash = ctx.versions.dashboard.slice(0, 40);
    const actions = [
      "npx vite build --config web/vite.config.ts && node web/scripts/bundle-budget.mjs web/dist",
      `npx wrangler pages deploy web/dist --project-name ${project} --branch main --commit-hash ${hash} --commit-dirty=true`,
    ];
    if (!ctx.facts.loggedIn) return needsLogin(`would build web/ and deploy it to ${project} unless this version is live`);
    if (!ctx.facts.pagesProject) return { status: "blocked", summary: `would deploy once the Pages project ${project} exists`, actions };
    const result = await wrangler(ctx, "pages", "deployment", "list", "--project-name", project, "--environment", "production", "--json");
    if (result.code !== 0) throw failure(result, "wrangler pages deployment list");
    const [latest] = /** @type {{ Source?: string, Status?: string }[]} */ (jsonIn(result.stdout));
    if (latest && latest.Source === hash.slice(0, 7) && !/^(failure|canceled|skipped)$/i.test(latest.Status ?? "")) {
      return { status: "done", summary: `${project} serves this version (${latest.Source})` };
    }
    return { status: "todo", summary: `${project} does not serve this version`, actions };
  },
  async apply(ctx) {
    const build = await ctx.runner.run(["vite", "build", "--config", "web/vite.config.ts"]);
    if (build.code !== 0) throw failure(build, "vite build");
    const budget = await ctx.runner.run(["node", "web/scripts/bundle-budget.mjs", "web/dist"]);
    if (budget.code !== 0) throw failure(budget, "the dashboard's bundle budget");
    const hash = ctx.versions.dashboard.slice(0, 40);
    const result = await wrangler(ctx, "pages", "deploy", "web/dist", "--project-name", ctx.pagesProject, "--branch", "main", "--commit-hash", hash, "--commit-dirty=true");
    if (result.code !== 0) throw failure(result, "wrangler pages deploy");
    return `deployed web/dist to ${ctx.pagesProject} (${hash.slice(0, 7)})`;
  },
};

/** @type {DeployStep} */
const byHand = {
  id: "by-hand",
  title: "Only a person can do these (once per environment)",
  async check(ctx) {
    const appUrl = ctx.env.vars.APP_URL;
    return {
      status: "person",
      summary: "check each is in place",
      actions: [
        `Google Cloud console → the OAuth client of GOOGLE_CLIENT_ID → Authorized redirect URIs: ${appUrl}/api/auth/google/callback`,
        `Cloudflare dashboard → Pages → ${ctx.pagesProject} → Custom domains: ${new URL(appUrl).host} (the worker's route ${ctx.env.routes} shares it)`,
        `Twilio (NUMBER_PROVIDER=twilio): register the messaging use case (A2P 10DLC brand and campaign) and set each number's messaging webhook to ${appUrl}/api/webhooks/twilio`,
      ],
    };
  },
};

/** The deploy, in order: what later steps need (login, queues, schema, credential, secrets) comes first. */
export const DEPLOY_STEPS = [localInputs, cloudflareLogin, queues, pagesProject, migrations, vapiCredentialStep, stripeWebhookStep, secrets, worker, dashboard, vapiServersStep, byHand];

/** The Pages project an environment's dashboard is served from (ADR 1100): production keeps the plain name. @param {string} env */
export const pagesProjectFor = (env) => (env === "production" ? "agentline" : `agentline-${env}`);
