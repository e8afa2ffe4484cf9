/**
 * One simulated call, message by message, as Vapi would send them, printing our answers; and
 * the "out of credit" script, which keeps calling until the app refuses a call.
 */
import crypto from "node:crypto";
import { conversation } from "./scripts.mjs";
import { assistantRequest, endOfCallReport, finalTranscript, REPORT_SHAPES, signVapi, statusUpdate, TOOL_CALL_SHAPES, toolCalls } from "./vapi-messages.mjs";
import { callRecordFromReport, tellVapiStandIn } from "./vapi-stand-in.mjs";

const MAX_CALLS_UNTIL_REFUSED = 50;
/** @template T @param {readonly T[]} list @returns {T} */
const pick = (list) => /** @type {T} */ (list[crypto.randomInt(list.length)]);

/**
 * `vapiStandIn` (the sandbox's Vapi stand-in, vapi-stand-in.mjs) is told about each call as Vapi
 * would hold it, so reconciliation's `GET /call/{id}` can be tried; null (not a sandbox) skips
 * that. `loseReport` plays the call without its end-of-call report, as when Vapi's deliveries
 * all fail: reconciliation settles it once its hold has expired.
 * @param {{ api: import("./demo-account.mjs").ApiClient, appUrl: string, secret: string,
 *   phoneNumber: import("./demo-account.mjs").PhoneNumber, caller: string, script: string, say: (line: string) => void,
 *   vapiStandIn?: string | null, loseReport?: boolean, start?: string }} options
 *   `start`: the time the "reminder" script books.
 * @returns {Promise<{ accepted: boolean, vapiCallId: string }>}
 */
export async function placeCall(options) {
  const { api, phoneNumber, say } = options;
  const agent = phoneNumber.agentId ? (await api.request(`/api/agents/${phoneNumber.agentId}`)).body?.agent : null;
  const timezone = agent?.booking?.timezone ?? agent?.timezone ?? "America/Chicago";
  if (options.script !== "out-of-credit") return oneCall(options, timezone);
  for (let call = 1; call <= MAX_CALLS_UNTIL_REFUSED; call++) {
    const credits = await api.must("/api/credits");
    say(`\n— call ${call}: balance ${credits.balance}, available ${credits.available} credits`);
    const outcome = await oneCall(options, timezone);
    if (!outcome.accepted) return outcome;
  }
  throw new Error(`the app still took calls after ${MAX_CALLS_UNTIL_REFUSED} long ones`);
}

/** @param {Parameters<typeof placeCall>[0]} options @param {string} timezone */
async function oneCall({ api, appUrl, secret, phoneNumber, caller, script, say, vapiStandIn = null, loseReport = false, start }, timezone) {
  const line = { callId: crypto.randomUUID(), phoneNumberId: phoneNumber.vapiPhoneNumberId, number: phoneNumber.number, customer: caller, assistantId: undefined };
  const send = async (label, message) => {
    const body = JSON.stringify(message);
    const response = await fetch(`${appUrl}/api/webhooks/vapi`, { method: "POST", headers: signVapi(body, secret), body });
    const text = await response.text();
    say(`→ ${label}\n  ← ${response.status} ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`);
    if (!response.ok) throw new Error(`the webhook answered HTTP ${response.status} to ${label}`);
    return text ? JSON.parse(text) : null;
  };
  /** Vapi's record of the call, when a stand-in plays Vapi; a stand-in that is down only costs reconciliation its answer. */
  const tellVapi = async (call) => {
    if (!vapiStandIn) return;
    await tellVapiStandIn(vapiStandIn, call).then(
      () => say(`→ the Vapi stand-in now holds call ${call.id} as ${call.status} (GET /call/${call.id})`),
      (error) => say(`  (could not tell the Vapi stand-in about the call: ${error instanceof Error ? error.message : error})`),
    );
  };
  /** The report, sent (unless lost on purpose) and told to the stand-in in full, whatever shape was sent. */
  const report = async (label, fields, shape) => {
    await tellVapi(callRecordFromReport(endOfCallReport(line, fields, undefined, "artifact")));
    if (loseReport) say(`✗ ${label} not sent (--lose-report): reconciliation settles the call after its hold expires`);
    else await send(label, endOfCallReport(line, fields, undefined, shape));
  };

  say(`Calling ${phoneNumber.number} from ${caller} (Vapi call ${line.callId}), script "${script}".`);
  const started = new Date();
  const answer = await send("assistant-request", assistantRequest(line));
  if (!answer?.assistantId) {
    say(answer?.destination ? `The app transfers the caller to ${answer.destination.number}: "${answer.destination.message}"` : `The caller hears: "${answer?.error}"`);
    const endedReason = answer?.destination ? "assistant-forwarded-call" : "assistant-request-returned-error";
    await send(`status-update ended (${endedReason})`, statusUpdate(line, "ended", endedReason));
    const shape = pick(REPORT_SHAPES);
    await report(`end-of-call-report (${shape})`, {
      startedAt: started, endedAt: new Date(started.getTime() + 3000), endedReason, turns: [], summary: "The call was not answered by the agent.", structuredData: {},
    }, shape);
    await showCall(api, line.callId, say);
    return { accepted: false, vapiCallId: line.callId };
  }
  line.assistantId = answer.assistantId;
  const { createdAt: _created, updatedAt: _updated, ...ringing } = assistantRequest(line).message.call;
  await tellVapi({ ...ringing, status: "in-progress", startedAt: started.toISOString() });
  const maxSeconds = answer.assistantOverrides?.maxDurationSeconds ?? 600;
  say(`The app answers with assistant ${answer.assistantId}; this call may last ${maxSeconds} s (the credits held for it).`);
  const talk = conversation(script, { timezone, maxSeconds, callerName: "Jordan Lee", start });

  await send("status-update in-progress", statusUpdate(line, "in-progress"));
  let toolRound = 0;
  // Each round of tool calls in another of Vapi's shapes, from a random start.
  const firstShape = crypto.randomInt(TOOL_CALL_SHAPES.length);
  for (const turn of talk.turns) {
    await send(`transcript (${turn.role === "bot" ? "assistant" : "user"}): "${turn.text}"`, finalTranscript(line, turn.role === "bot" ? "assistant" : "user", turn.text));
    if (turn.role === "user" && talk.tools[toolRound]) {
      const round = talk.tools[toolRound++];
      const calls = round.map((tool) => ({ id: `call_${crypto.randomBytes(12).toString("hex")}`, ...tool }));
      const shape = TOOL_CALL_SHAPES[(firstShape + toolRound - 1) % TOOL_CALL_SHAPES.length];
      const reply = await send(`tool-calls (${shape}) ${calls.map((call) => `${call.name}(${JSON.stringify(call.arguments)})`).join(", ")}`, toolCalls(line, calls, Date.now(), shape));
      for (const result of reply?.results ?? []) say(`  the agent says: "${result.result ?? result.error}"`);
    }
  }
  const seconds = Math.min(talk.seconds, maxSeconds);
  const endedAt = new Date(started.getTime() + seconds * 1000);
  await send(`status-update ended (${talk.endedReason})`, statusUpdate(line, "ended", talk.endedReason));
  const reportShape = pick(REPORT_SHAPES);
  await report(
    `end-of-call-report (${seconds} s, ${reportShape})`,
    { startedAt: started, endedAt, endedReason: talk.endedReason, turns: talk.turns, summary: talk.summary, structuredData: talk.structuredData },
    reportShape,
  );
  await showCall(api, line.callId, say);
  return { accepted: true, vapiCallId: line.callId };
}

/** What the owner now sees: the call in the list, and the balance. */
async function showCall(api, vapiCallId, say) {
  const { calls } = await api.must("/api/calls?limit=20");
  const call = calls.find((candidate) => candidate.vapiCallId === vapiCallId) ?? calls[0];
  const credits = await api.must("/api/credits");
  if (call) say(`\nIn the dashboard: call ${call.id}, ${call.status}${call.refusedReason ? ` (${call.refusedReason})` : ""}, ${call.durationSeconds ?? 0} s, ${call.creditsCharged ?? 0} credits charged.`);
  say(`Credits: balance ${credits.balance}, reserved ${credits.reserved}, available ${credits.available}.`);
}
