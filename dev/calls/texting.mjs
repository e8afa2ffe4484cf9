/**
 * The texts side of a simulated call (issue #22), against a sandbox app and its Twilio stand-in:
 * what the app texted (as the stand-in received it), the Cron Trigger run as of a chosen time
 * (`/cdn-cgi/handler/scheduled`, which wrangler dev and the Vite plugin both serve in local
 * development, never a deployed worker), the caller's reply sent through the stand-in (signed and
 * posted to the number's SmsUrl as Twilio would), and the booking's event as the Google stand-in
 * holds it (through the sandbox's `GET /api/sandbox`). ADR 0142.
 */
import { zonedDateTime } from "./scripts.mjs";
import { standInTexts } from "./vapi-stand-in.mjs";

/** wrangler.toml's `[triggers] crons`: the schedule the run says it is for. */
export const CRON = "17 * * * *";
/** The day-before reminder is for bookings 2 to 24 hours ahead; the run is placed 23 hours before. */
const DAY_BEFORE_MS = 23 * 3600_000;
/** A slot at least this far ahead, so that it is not already inside the 2-hour reminder's window. */
const MIN_LEAD_MS = 3 * 3600_000;
const SEARCH_DAYS = 8;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** When the Cron Trigger is told it is: the day before the appointment (23 h ahead of it), or now when that has passed. */
export function reminderRunAt(start, now = new Date()) {
  return new Date(Math.max(Date.parse(start) - DAY_BEFORE_MS, now.getTime()));
}

/** `2030-05-14T10:00:00-05:00`: an instant as the wall-clock time in `timeZone`, with its offset (as a model would say it). */
export function inZone(iso, timeZone) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(new Date(iso))
      .map((part) => [part.type, part.value]),
  );
  return zonedDateTime(`${parts.year}-${parts.month}-${parts.day}`, `${parts.hour}:${parts.minute}`, timeZone);
}

/**
 * The first free time from tomorrow on (in the agent's timezone; a closed day moves to the next),
 * at least three hours ahead, through the dashboard's own availability API.
 * @param {import("./demo-account.mjs").ApiClient} api @param {{ id: string, timezone?: string, booking?: { timezone?: string } }} agent
 */
export async function firstSlotFromTomorrow(api, agent, now = new Date()) {
  const timeZone = agent.booking?.timezone ?? agent.timezone ?? "America/Chicago";
  for (let day = 1; day <= SEARCH_DAYS; day++) {
    const date = new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date(now.getTime() + day * 86_400_000));
    const { slots } = await api.must(`/api/google/calendar/availability?agentId=${encodeURIComponent(agent.id)}&date=${date}`);
    const slot = /** @type {{ start: string, end: string }[]} */ (slots).find((candidate) => Date.parse(candidate.start) - now.getTime() >= MIN_LEAD_MS);
    if (slot) return { start: inZone(slot.start, timeZone), end: slot.end, date };
  }
  throw new Error(`no free time in the next ${SEARCH_DAYS} days: free some on the agent's calendar, or widen its hours`);
}

/** Runs the worker's Cron Trigger as of `at` (its `scheduledTime`), as local development allows. */
export async function runCronTrigger(appUrl, at, cron = CRON) {
  const url = `${appUrl}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cron)}&time=${at.getTime()}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) }).catch(() => null);
  if (!response?.ok) {
    throw new Error(`could not run the Cron Trigger (GET /cdn-cgi/handler/scheduled answered ${response ? `HTTP ${response.status}` : "nothing"}): only a local \`npm run dev\` serves it`);
  }
}

/**
 * The caller's text through the Twilio stand-in (`POST /__stand-in/inbound`): it signs it with
 * the account's auth token and posts it to the number's SmsUrl; answers what our webhook said.
 */
export async function replyAsCaller(twilioStandIn, { from, to, body }) {
  const response = await fetch(`${twilioStandIn}/__stand-in/inbound`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from, to, body }),
    signal: AbortSignal.timeout(15_000),
  });
  const answer = /** @type {{ message?: { sid: string }, delivery?: { status: number, body: string }, error?: string }} */ (await response.json().catch(() => ({})));
  if (!response.ok) throw new Error(`the Twilio stand-in refused the reply: HTTP ${response.status} ${answer.error ?? ""}`);
  return answer;
}

/**
 * The call's texts as the dashboard reads them (`GET /api/texts?callId=`), polled until `done`
 * says they are what we wait for (the queue sends them a moment later); the last answer either way.
 * @param {import("./demo-account.mjs").ApiClient} api
 * @param {(texts: Text[]) => boolean} done
 * @typedef {{ id: string, kind: string, direction: string, body: string, status: string, number: string, businessNumber: string | null,
 *   segments: number, creditsCharged: number, sendAfter: string | null, twilioSid?: string | null, error: string | null }} Text
 */
export async function waitForCallTexts(api, callId, done, { timeoutMs = 15_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { texts } = await api.must(`/api/texts?callId=${encodeURIComponent(callId)}&limit=50`);
    if (done(texts) || Date.now() > deadline) return /** @type {Text[]} */ (texts);
    await sleep(intervalMs);
  }
}

/** Past the queue: sent to Twilio (queued there, sent, delivered), held, refused or never sent. */
export const settled = (text) => text.direction === "inbound" || text.status !== "pending";

/** One line per text, as the stand-in received it when it did (its From is the business's number). */
export async function describeText(twilioStandIn, text) {
  const received = twilioStandIn ? (await standInTexts(twilioStandIn)).find((message) => message.body === text.body && (message.to === text.number || message.from === text.number)) : undefined;
  const charged = text.creditsCharged ? `, ${text.segments} segment(s), ${text.creditsCharged} credit(s)` : "";
  if (text.direction === "inbound") return `Text from the caller ${text.number} to ${text.businessNumber}: "${text.body}"`;
  if (text.status === "held") return `Text to ${text.number} (${text.kind}) held for quiet hours (21:00–08:00 where the business is): it goes at ${text.sendAfter}: "${text.body}"`;
  if (received) return `Text from ${received.from} to ${received.to} (${text.kind}, ${text.status}${charged}), at the Twilio stand-in: "${text.body}"`;
  return `Text to ${text.number} (${text.kind}): ${text.status}${text.error ? ` (${text.error})` : ""}: "${text.body}"`;
}

/**
 * The booking's event in the Google stand-in, found by its start and the call that made it
 * (the event's description names the call), through the sandbox's `GET /api/sandbox`.
 */
export async function calendarEventOf(appUrl, start, vapiCallId) {
  const response = await fetch(`${appUrl}/api/sandbox`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
  if (!response?.ok) return null;
  const view = /** @type {{ google?: { events?: { start: string, status: string, summary: string, description: string }[] } }} */ (await response.json());
  return view.google?.events?.find((event) => Date.parse(event.start) === Date.parse(start) && event.description.includes(vapiCallId)) ?? null;
}
