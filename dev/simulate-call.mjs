#!/usr/bin/env node
/**
 * `npm run simulate:call`: plays a realistic Vapi call against the running app — the
 * assistant-request, status updates, final transcripts, the tool calls of the script and the
 * end-of-call report — each signed exactly as Vapi's HMAC webhook credential signs it, and
 * prints every message with our answer. The call is compressed in time: its report says how
 * long it lasted (never longer than the maxDurationSeconds our answer allowed).
 *
 * The app: APP_URL, else http://127.0.0.1:$PORT (8787). The webhook secret: VAPI_WEBHOOK_SECRET
 * from the environment or .dev.vars, else the sandbox's. On a fresh sandbox it signs up the demo
 * account with an agent, a number and credits, and says how to log in. In sandbox mode it also
 * tells the Vapi stand-in about each call (its `GET /call/{id}` then knows it, as Vapi would), so
 * `--lose-report` (the report never sent) shows reconciliation settling the call.
 */
import path from "node:path";
import { ApiClient, DEMO_EMAIL, DEMO_PASSWORD, ensureLine } from "./calls/demo-account.mjs";
import { placeCall } from "./calls/place-call.mjs";
import { playReminder } from "./calls/reminder.mjs";
import { SCRIPT_HELP, SCRIPT_NAMES } from "./calls/scripts.mjs";
import { standInTexts, twilioStandInOf, vapiStandInOf } from "./calls/vapi-stand-in.mjs";
import { parseCliArgs } from "./cli-args.mjs";
import { readDevVars } from "./dev-vars.mjs";
import { VAPI_SANDBOX_WEBHOOK_SECRET } from "./stand-ins/vapi.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const USAGE = `usage: npm run simulate:call -- [--script NAME] [--number E164|VAPI_ID] [--agent AGENT_ID] [--caller E164]
                              [--email EMAIL --password PASSWORD] [--lose-report] [--reply C|X]
  --script    ${SCRIPT_NAMES.map((name) => `\n    ${name.padEnd(14)} ${SCRIPT_HELP[name]}`).join("")}
              (default: question)
  --number    the number called (its E.164 number or Vapi id); default: the account's first number with an agent
  --agent     call the number of this agent instead
  --caller    the caller's number (default +15125550147)
  --email / --password  the account whose number is called (default: the sandbox demo account, created if missing)
  --lose-report  do not send the end-of-call report; in sandbox mode the Vapi stand-in knows the call,
              so the Cron Trigger's reconciliation settles it once its hold has expired
  --reply     what the caller texts back to the reminder (script "reminder"): X cancels (default), C confirms
In sandbox mode the line is a number that texts (bought from the Twilio stand-in), so the texts
the call makes (the confirmation, a missed-call text-back) are shown as the stand-in received them.
The app: APP_URL, else http://127.0.0.1:$PORT (default 8787).`;

const flags = parseCliArgs(
  {
    script: { type: "string", default: "question" },
    number: { type: "string" },
    agent: { type: "string" },
    caller: { type: "string", default: "+15125550147" },
    email: { type: "string", default: DEMO_EMAIL },
    password: { type: "string", default: DEMO_PASSWORD },
    "lose-report": { type: "boolean", default: false },
    reply: { type: "string", default: "X" },
  },
  USAGE,
);
if (!SCRIPT_NAMES.includes(/** @type {string} */ (flags.script))) {
  console.error(`unknown script "${flags.script}"\n\n${USAGE}`);
  process.exit(2);
}
const reply = String(flags.reply).toUpperCase();
if (reply !== "C" && reply !== "X") {
  console.error(`--reply is C or X, not "${flags.reply}"\n\n${USAGE}`);
  process.exit(2);
}

const appUrl = (process.env.APP_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`).replace(/\/$/, "");
const secret = process.env.VAPI_WEBHOOK_SECRET ?? readDevVars(path.join(ROOT, ".dev.vars")).VAPI_WEBHOOK_SECRET ?? VAPI_SANDBOX_WEBHOOK_SECRET;
const say = (line) => console.log(line);

/**
 * The texts the call made the app send (the booking confirmation, a missed-call text-back), as
 * the Twilio stand-in received them: they go through the queue, so wait a few seconds for them.
 */
async function showTexts(twilioStandIn, before, phoneNumber) {
  let sent = [];
  for (let waited = 0; waited < 8000; waited += 500) {
    sent = (await standInTexts(twilioStandIn)).filter((text) => !before.has(text.sid) && text.direction !== "inbound");
    if (sent.length) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  if (sent.length) for (const text of sent) say(`Text from ${text.from} to ${text.to} (${text.num_segments} segment(s), ${text.status}): "${text.body}"`);
  else if (phoneNumber.canText === false) say("No text: this number cannot text (Vapi's numbers cannot; buy one with provider \"twilio\", or set NUMBER_PROVIDER=twilio in .dev.vars).");
  else say("No text was sent for this call.");
}

try {
  const ping = await fetch(`${appUrl}/api/ping`).catch(() => null);
  if (ping?.status !== 204) throw new Error(`nothing answers at ${appUrl}: start it with \`npm run dev\` (or set APP_URL / PORT)`);
  const api = new ApiClient(appUrl);
  const email = /** @type {string} */ (flags.email);
  const password = /** @type {string} */ (flags.password);
  // Only a sandbox app names its stand-ins; against any other app the calls are played as before.
  const twilioStandIn = await twilioStandInOf(appUrl);
  const { created, phoneNumber } = await ensureLine(api, { email, password, agentId: flags.agent, number: flags.number, texting: Boolean(twilioStandIn), say });
  if (created) say(`\nThe demo account is ready: log in at ${appUrl} as ${email} / ${password}\n`);
  const vapiStandIn = await vapiStandInOf(appUrl);
  if (flags["lose-report"] && !vapiStandIn) say("(not a sandbox app: no Vapi stand-in to tell, so reconciliation will not find a lost report's call)");
  const textsBefore = new Set(twilioStandIn ? (await standInTexts(twilioStandIn)).map((text) => text.sid) : []);
  const call = {
    api, appUrl, secret, phoneNumber, caller: /** @type {string} */ (flags.caller), script: /** @type {string} */ (flags.script), say,
    vapiStandIn, loseReport: Boolean(flags["lose-report"]),
  };
  if (flags.script === "reminder") await playReminder({ ...call, twilioStandIn, reply });
  else {
    await placeCall(call);
    if (twilioStandIn) await showTexts(twilioStandIn, textsBefore, phoneNumber);
  }
} catch (error) {
  console.error(`simulate:call: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
