#!/usr/bin/env node
// npm run deploy -- --env production|staging [--dry-run] [--vars FILE]
// One idempotent deploy of an environment (README: Deploy, docs/decisions/1100): checks, then
// creates or fixes only what is missing. --dry-run prints the plan and changes nothing.
import path from "node:path";
import { parseCliArgs } from "./cli-args.mjs";
import { openDatabase } from "./db/backend.mjs";
import { applyDeploy, deployStatus, formatResults, planDeploy } from "./deploy/plan.mjs";
import { createCommandRunner } from "./deploy/runner.mjs";
import { sourceVersions } from "./deploy/source-version.mjs";
import { DEPLOY_STEPS, pagesProjectFor } from "./deploy/steps.mjs";
import { createStripe } from "./deploy/stripe-webhook.mjs";
import { createVapi } from "./deploy/vapi-webhooks.mjs";
import { environmentNames, readWranglerToml, wranglerEnvironment } from "./deploy/wrangler-config.mjs";
import { readDevVars } from "./dev-vars.mjs";

const USAGE = `usage: npm run deploy -- --env production|staging [--dry-run] [--vars FILE]

  --env NAME    the wrangler.toml environment ([env.NAME]) to deploy
  --dry-run     print the plan (every check, nothing created, changed or uploaded)
  --vars FILE   dotenv file with DATABASE_URL, VAPI_API_KEY, VAPI_WEBHOOK_SECRET, STRIPE_SECRET_KEY
                for this run (the environment wins); never commit it

Cloudflare is reached through wrangler (log in first: npx wrangler login).`;

const args = parseCliArgs(
  { env: { type: "string" }, "dry-run": { type: "boolean", default: false }, vars: { type: "string" } },
  USAGE,
);

const toml = readWranglerToml();
const known = environmentNames(toml);
if (!args.env || !known.includes(args.env)) {
  console.error(`${args.env ? `wrangler.toml has no [env.${args.env}]` : "--env is required"}: one of ${known.join(", ")}\n\n${USAGE}`);
  process.exit(2);
}
const dryRun = Boolean(args["dry-run"]);
const env = wranglerEnvironment(toml, args.env);
const inputs = { ...(args.vars ? readDevVars(args.vars) : {}), ...definedOnly(process.env) };

/** @type {Awaited<ReturnType<typeof openDatabase>> | undefined} */
let database;
/** @type {Promise<import("pg").Pool | undefined> | undefined} */
let opening;
const vapi = once(() => createVapi(inputs));
const stripe = once(() => createStripe(inputs));

/** @type {import("./deploy/steps.mjs").DeployContext} */
const ctx = {
  env,
  pagesProject: pagesProjectFor(env.name),
  inputs,
  runner: createCommandRunner({ echo: dryRun ? undefined : (line) => console.log(`  ${line}`) }),
  vapi,
  stripe,
  database: () =>
    (opening ??= inputs.DATABASE_URL
      ? openDatabase({ databaseUrl: inputs.DATABASE_URL }).then((db) => {
          database = db;
          return db.pool;
        })
      : Promise.resolve(undefined)),
  migrationsDir: path.resolve("migrations"),
  versions: sourceVersions(process.cwd()),
  print: (line) => console.log(line),
  facts: {},
};

console.log(`${dryRun ? "Plan for" : "Deploying"} ${env.name}: worker ${env.workerName}, ${env.vars.APP_URL}, ENVIRONMENT_ID ${env.vars.ENVIRONMENT_ID ?? "(unset)"}\n`);
let results;
try {
  results = dryRun ? await planDeploy(DEPLOY_STEPS, ctx) : await applyDeploy(DEPLOY_STEPS, ctx);
} finally {
  await database?.close().catch(() => {});
}
for (const line of formatResults(results)) console.log(line);
const status = deployStatus(results, { dryRun });
console.log(`\n${status.line}`);
process.exit(status.code);

/** @param {NodeJS.ProcessEnv} vars */
function definedOnly(vars) {
  return Object.fromEntries(Object.entries(vars).filter(([, value]) => value));
}

/** @template T @param {() => T} make @returns {() => T} */
function once(make) {
  let made = false;
  /** @type {T} */
  let value;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}
