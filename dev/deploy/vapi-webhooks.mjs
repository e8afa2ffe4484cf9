/**
 * Vapi's side of a deploy, through @vapi-ai/server-sdk: our webhook credential (an HMAC plan
 * keyed with VAPI_WEBHOOK_SECRET) and the server URL of every assistant and number of THIS
 * environment. Several environments may share one Vapi org, so an object is ours only when:
 *   - an assistant's `metadata.environmentId` equals this environment's ENVIRONMENT_ID;
 *   - a number's id is in this environment's phone_numbers table, or its assistant is ours.
 * Everything else is left exactly as it is.
 */
import { VapiClient } from "@vapi-ai/server-sdk";

/** src/services/assistant's WEBHOOK_PATH (test/dev/deploy.test.ts keeps the two equal). */
export const VAPI_WEBHOOK_PATH = "/api/webhooks/vapi";
/** services/vapi/webhook-credential-id.ts's app_settings key: where the worker finds the credential's id. */
export const CREDENTIAL_SETTING_KEY = "vapi_credential_id";
const PAGE_SIZE = 1000;
const MAX_PAGES = 50;

/**
 * The credential the worker creates (src/integrations/vapi/webhook-credential.ts webhookCredentialDto;
 * the test keeps them equal).
 * @param {string} secret
 * @param {string} environmentId
 */
export function webhookCredentialDto(secret, environmentId) {
  return {
    provider: "webhook",
    name: `Agentline webhook (${environmentId})`.slice(0, 40),
    authenticationPlan: {
      type: "hmac",
      secretKey: secret,
      algorithm: "sha256",
      signatureHeader: "x-signature",
      timestampHeader: "x-timestamp",
      payloadFormat: "{timestamp}.{body}",
      signatureEncoding: "hex",
    },
  };
}

/** @param {{ VAPI_API_KEY?: string, VAPI_BASE_URL?: string }} inputs */
export function createVapi(inputs) {
  if (!inputs.VAPI_API_KEY) return undefined;
  return new VapiClient({ token: inputs.VAPI_API_KEY, baseUrl: inputs.VAPI_BASE_URL || "https://api.vapi.ai", maxRetries: 1, timeoutInSeconds: 30 });
}

/** @param {import("pg").Pool} pool */
async function storedCredentialId(pool) {
  const table = await pool.query("select to_regclass('public.app_settings') is not null as present");
  if (!table.rows[0]?.present) return undefined;
  const { rows } = await pool.query("select value from app_settings where key = $1", [CREDENTIAL_SETTING_KEY]);
  return rows[0]?.value;
}

/** @param {VapiClient} vapi @param {string} id */
async function credentialExists(vapi, id) {
  const response = await vapi.fetch(`credential/${encodeURIComponent(id)}`, { method: "GET" });
  if (response.status === 404) return false;
  if (!response.ok) throw new Error(`Vapi answered ${response.status} for credential ${id}: ${(await response.text()).slice(0, 300)}`);
  return true;
}

/** @type {import("./steps.mjs").DeployStep} */
export const vapiCredentialStep = {
  id: "vapi-credential",
  title: "Vapi webhook credential",
  async check(ctx) {
    const vapi = ctx.vapi();
    const pool = await ctx.database();
    if (!vapi || !pool) return { status: "blocked", summary: "would check (or create) the HMAC credential Vapi signs our webhooks with (needs VAPI_API_KEY and DATABASE_URL)" };
    const configured = ctx.inputs.VAPI_CREDENTIAL_ID;
    const id = configured || (await storedCredentialId(pool));
    if (id && (await credentialExists(vapi, id))) {
      ctx.facts.credentialId = id;
      return { status: "done", summary: `${id} exists at Vapi${configured ? " (VAPI_CREDENTIAL_ID)" : ""}` };
    }
    if (configured) {
      return { status: "person", summary: `VAPI_CREDENTIAL_ID names ${configured}, which Vapi does not have`, actions: [`unset VAPI_CREDENTIAL_ID (npx wrangler secret delete VAPI_CREDENTIAL_ID --env ${ctx.env.name}, and here) and run again: one is then created and kept in the database`] };
    }
    return { status: "todo", summary: id ? `the stored credential ${id} is gone at Vapi` : "none yet", actions: ["create it at Vapi and keep its id in app_settings"] };
  },
  async apply(ctx) {
    const vapi = /** @type {VapiClient} */ (ctx.vapi());
    const pool = /** @type {import("pg").Pool} */ (await ctx.database());
    const secret = ctx.inputs.VAPI_WEBHOOK_SECRET;
    if (!secret) throw new Error("VAPI_WEBHOOK_SECRET is not given to this run: it is the credential's HMAC key");
    const response = await vapi.fetch("credential", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(webhookCredentialDto(secret, ctx.env.vars.ENVIRONMENT_ID ?? ctx.env.name)) });
    const body = /** @type {{ id?: unknown } | undefined} */ (await response.json().catch(() => undefined));
    if (!response.ok || typeof body?.id !== "string") throw new Error(`Vapi refused the webhook credential (${response.status}): ${JSON.stringify(body).slice(0, 300)}`);
    // The one we just made replaces a stored id that Vapi no longer has.
    await pool.query(
      "insert into app_settings (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value, updated_at = now()",
      [CREDENTIAL_SETTING_KEY, body.id],
    );
    ctx.facts.credentialId = body.id;
    return `created ${body.id} and stored it for the worker`;
  },
};

/** Every assistant at Vapi, newest first, page by page below the oldest createdAt seen. @param {VapiClient} vapi */
async function allAssistants(vapi) {
  /** @type {import("@vapi-ai/server-sdk").Vapi.Assistant[]} */
  const all = [];
  let cursor;
  for (let page = 0; page < MAX_PAGES; page++) {
    const assistants = await vapi.assistants.list({ limit: PAGE_SIZE, ...(cursor ? { createdAtLt: cursor } : {}) });
    all.push(...assistants);
    const oldest = assistants.at(-1)?.createdAt;
    if (assistants.length < PAGE_SIZE || !oldest) break;
    cursor = oldest;
  }
  return all;
}

/** @param {import("pg").Pool} pool @returns {Promise<Set<string>>} */
async function ourNumberIds(pool) {
  const table = await pool.query("select to_regclass('public.phone_numbers') is not null as present");
  if (!table.rows[0]?.present) return new Set();
  const { rows } = await pool.query("select vapi_phone_number_id from phone_numbers");
  return new Set(rows.map((row) => row.vapi_phone_number_id));
}

/**
 * Ours and pointing elsewhere: the assistants and numbers whose server URL or credential is not
 * this environment's.
 * @param {import("./steps.mjs").DeployContext} ctx
 */
async function findMisdirected(ctx) {
  const vapi = /** @type {VapiClient} */ (ctx.vapi());
  const pool = /** @type {import("pg").Pool} */ (await ctx.database());
  const url = `${ctx.env.vars.APP_URL}${VAPI_WEBHOOK_PATH}`;
  const environmentId = ctx.env.vars.ENVIRONMENT_ID;
  const wrong = (server) => server?.url !== url || server?.credentialId !== ctx.facts.credentialId;
  const assistants = (await allAssistants(vapi)).filter((assistant) => assistant.metadata?.environmentId === environmentId);
  const assistantIds = new Set(assistants.map((assistant) => assistant.id));
  const numberIds = await ourNumberIds(pool);
  const numbers = /** @type {any[]} */ (await vapi.phoneNumbers.list({ limit: PAGE_SIZE })).filter(
    (number) => numberIds.has(number.id) || (typeof number.assistantId === "string" && assistantIds.has(number.assistantId)),
  );
  return {
    url,
    counts: { assistants: assistants.length, numbers: numbers.length },
    assistants: assistants.filter((assistant) => wrong(assistant.server)),
    numbers: numbers.filter((number) => wrong(number.server)),
  };
}

/** @type {import("./steps.mjs").DeployStep} */
export const vapiServersStep = {
  id: "vapi-servers",
  title: "Vapi assistants and numbers",
  async check(ctx) {
    const environmentId = ctx.env.vars.ENVIRONMENT_ID;
    const url = `${ctx.env.vars.APP_URL}${VAPI_WEBHOOK_PATH}`;
    if (!environmentId) return { status: "person", summary: `wrangler.toml's [env.${ctx.env.name}.vars] has no ENVIRONMENT_ID: without it no assistant can be told apart as ours` };
    if (!ctx.vapi() || !(await ctx.database())) return { status: "blocked", summary: `would point every assistant (metadata.environmentId "${environmentId}") and number of this environment at ${url} (needs VAPI_API_KEY and DATABASE_URL)` };
    if (!ctx.facts.credentialId) return { status: "blocked", summary: `would point this environment's assistants and numbers at ${url} once the webhook credential is known` };
    const found = await findMisdirected(ctx);
    const of = `${found.counts.assistants} assistant(s), ${found.counts.numbers} number(s) of "${environmentId}"`;
    if (!found.assistants.length && !found.numbers.length) return { status: "done", summary: `${of}: all point at ${url}` };
    return {
      status: "todo",
      summary: `${of}: ${found.assistants.length + found.numbers.length} point elsewhere`,
      actions: [...found.assistants.map((assistant) => `assistant ${assistant.id}: ${assistant.server?.url ?? "no server"} → ${url}`), ...found.numbers.map((number) => `number ${number.id}: ${number.server?.url ?? "no server"} → ${url}`)],
    };
  },
  async apply(ctx) {
    const vapi = /** @type {VapiClient} */ (ctx.vapi());
    const found = await findMisdirected(ctx);
    const server = { url: found.url, credentialId: ctx.facts.credentialId };
    // A PATCH replaces `server` whole: keep the assistant's timeout and retry plan.
    for (const assistant of found.assistants) await vapi.assistants.update({ id: assistant.id, server: { ...assistant.server, ...server } });
    for (const number of found.numbers) await vapi.phoneNumbers.update({ id: number.id, body: /** @type {any} */ ({ provider: number.provider, server: { ...number.server, ...server } }) });
    return `pointed ${found.assistants.length} assistant(s) and ${found.numbers.length} number(s) at ${found.url}`;
  },
};
