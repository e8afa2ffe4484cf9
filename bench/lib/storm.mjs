/**
 * The credit storm (docs/architecture.md §11): 1,000 end-of-call reports for 50 owners, 20 requests in
 * flight, 10% of them delivered twice (at once or later), and calls that overlap — each call
 * starts with an assistant-request that holds credits, so an owner's calls in progress compete
 * for the same balance, and tight balances get calls cut short or refused. The expected balance
 * of every owner is computed from what the app answered (a call lasts at most the
 * maxDurationSeconds its hold allowed; a refused call costs nothing) and compared to the
 * database, call by call and owner by owner; then the ledger check runs over everything.
 */

import { assistantRequest, endOfCallReport, signVapi } from "../../dev/calls/vapi-messages.mjs";
import { checkLedger } from "../../dev/check-ledger.mjs";
import { seedOwners } from "./seed.mjs";

const OPEN_CALLS = 60;

/**
 * @param {{ appUrl: string, pool: import("pg").Pool, secret: string, owners?: number, reports?: number,
 *   inFlight?: number, duplicateShare?: number, creditsPerMinute?: number, seed?: number }} options
 */
export async function runCreditStorm({ appUrl, pool, secret, owners: ownerCount = 50, reports = 1000, inFlight = 20, duplicateShare = 0.1, creditsPerMinute = 1, seed = 42 }) {
  const random = mulberry32(seed);
  const uniqueCalls = Math.round(reports / (1 + duplicateShare));
  const owners = await seedOwners(pool, Array.from({ length: ownerCount }, () => 15 + Math.floor(random() * 120)));
  const calls = Array.from({ length: uniqueCalls }, (_, index) => ({
    owner: owners[Math.floor(random() * owners.length)],
    callId: `call-storm-${seed}-${index}-${Math.floor(random() * 1e9)}`,
    plannedSeconds: 20 + Math.floor(random() * 840),
    /** @type {Promise<{ accepted: boolean, maxSeconds: number }> | undefined} */
    started: undefined,
    seconds: 0,
    accepted: false,
  }));
  const events = schedule(calls, reports - uniqueCalls, random);

  /** @type {Record<string, number>} */
  const statuses = {};
  /** @type {string[]} */
  const problems = [];
  let cursor = 0;
  const began = performance.now();
  const worker = async () => {
    while (cursor < events.length) {
      const event = events[cursor++];
      const call = event.call;
      const line = { callId: call.callId, phoneNumberId: call.owner.phoneNumberId, number: call.owner.number, customer: "+15125550147", assistantId: call.owner.assistantId };
      if (event.kind === "start") {
        call.started = send(appUrl, assistantRequest(line), secret).then(({ status, body }) => {
          if (status !== 200) problems.push(`assistant-request ${call.callId}: HTTP ${status}`);
          const accepted = Boolean(body?.assistantId);
          return { accepted, maxSeconds: accepted ? body.assistantOverrides.maxDurationSeconds : 0 };
        });
        await call.started;
      } else {
        const { accepted, maxSeconds } = await /** @type {Promise<{ accepted: boolean, maxSeconds: number }>} */ (call.started);
        call.seconds = accepted ? Math.min(call.plannedSeconds, maxSeconds) : 4;
        const endedAt = new Date(Date.now() - 1000);
        const { status } = await sendReport(appUrl, endOfCallReport(line, {
          startedAt: new Date(endedAt.getTime() - call.seconds * 1000), endedAt,
          endedReason: accepted ? (call.seconds < call.plannedSeconds ? "exceeded-max-duration" : "customer-ended-call") : "assistant-request-returned-error",
          turns: [{ role: "bot", text: "Thanks for calling!" }, { role: "user", text: "Just checking your hours." }],
          summary: "The caller asked about opening hours.",
          structuredData: { appointmentBooked: false, followUpNeeded: false, unansweredQuestions: [] },
        }), secret);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status !== 200) problems.push(`end-of-call-report ${call.callId}: HTTP ${status}`);
        call.accepted = accepted;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (performance.now() - began) / 1000;

  problems.push(...(await verify(pool, appUrl, owners, calls, creditsPerMinute)));
  const accepted = calls.filter((call) => call.accepted).length;
  return {
    owners: ownerCount, reports, duplicates: reports - uniqueCalls, uniqueCalls, inFlight, assistantRequests: uniqueCalls,
    acceptedCalls: accepted, refusedCalls: uniqueCalls - accepted,
    cutShort: calls.filter((call) => call.accepted && call.seconds < call.plannedSeconds).length,
    seconds, reportsPerSecond: reports / seconds, statuses, problems,
  };
}

/** Starts and reports interleaved with ~OPEN_CALLS calls in progress; duplicates at once or later. */
function schedule(calls, duplicates, random) {
  /** @type {{ kind: "start" | "report", call: any, duplicate?: boolean }[]} */
  const events = [];
  const open = [];
  let next = 0;
  while (next < calls.length || open.length) {
    if (next < calls.length && (open.length < OPEN_CALLS || random() < 0.3)) {
      events.push({ kind: "start", call: calls[next] });
      open.push(calls[next++]);
    } else {
      const [call] = open.splice(Math.floor(random() * open.length), 1);
      events.push({ kind: "report", call });
    }
  }
  for (let added = 0; added < duplicates; added++) {
    const reportIndexes = events.flatMap((event, index) => (event.kind === "report" && !event.duplicate ? [index] : []));
    const original = reportIndexes[Math.floor(random() * reportIndexes.length)];
    // Half right beside the first delivery (in flight together), half some way after it.
    const at = random() < 0.5 ? original + 1 : Math.min(events.length, original + 1 + Math.floor(random() * 200));
    events.splice(at, 0, { kind: "report", call: events[original].call, duplicate: true });
  }
  return events;
}

async function verify(pool, appUrl, owners, calls, creditsPerMinute) {
  const problems = [];
  const charge = (seconds) => (seconds > 0 ? Math.ceil((seconds / 60) * creditsPerMinute) : 0);
  const ledger = await pool.query(
    `select idempotency_key, count(*)::int as rows, sum(delta)::int as delta from credit_transactions
     where idempotency_key like 'call:call-storm-%' group by idempotency_key`,
  );
  const byKey = new Map(ledger.rows.map((row) => [row.idempotency_key, row]));
  const stored = await pool.query(`select vapi_call_id, credits_charged from calls where vapi_call_id like 'call-storm-%'`);
  const callRows = new Map(stored.rows.map((row) => [row.vapi_call_id, row]));
  const expected = new Map(owners.map((owner) => [owner.userId, owner.credits]));
  for (const call of calls) {
    const due = call.accepted ? charge(call.seconds) : 0;
    expected.set(call.owner.userId, /** @type {number} */ (expected.get(call.owner.userId)) - due);
    const entry = byKey.get(`call:${call.callId}`);
    if (entry && entry.rows !== 1) problems.push(`${call.callId} billed ${entry.rows} times`);
    if ((entry ? -entry.delta : 0) !== due) problems.push(`${call.callId}: charged ${entry ? -entry.delta : 0}, expected ${due}`);
    const row = callRows.get(call.callId);
    if (!row) problems.push(`${call.callId}: no call row`);
    else if ((row.credits_charged ?? 0) !== due) problems.push(`${call.callId}: call row says ${row.credits_charged} credits, expected ${due}`);
  }
  const balances = await pool.query(`select id, credit_balance from businesses where id = any($1::uuid[])`, [owners.map((owner) => owner.userId)]);
  for (const row of balances.rows) {
    if (row.credit_balance !== expected.get(row.id)) problems.push(`owner ${row.id}: balance ${row.credit_balance}, expected ${expected.get(row.id)}`);
  }
  for (const owner of owners) {
    const credits = /** @type {{ reserved: number }} */ (await (await fetch(`${appUrl}/api/credits`, { headers: { cookie: owner.cookie } })).json());
    if (credits.reserved !== 0) problems.push(`owner ${owner.userId}: ${credits.reserved} credits still held after every report`);
  }
  const report = await checkLedger(pool);
  for (const problem of report.problems) problems.push(`db:check-ledger: ${problem.name} balance ${problem.creditBalance}, ledger ${problem.ledgerSum}`);
  return problems;
}

/**
 * A report as Vapi delivers it: a 503 `busy` (a duplicate arrived while another delivery of the
 * same report was acting) is retried after a pause, as Vapi's backoffPlan would.
 */
async function sendReport(appUrl, message, secret) {
  for (let attempt = 0; ; attempt++) {
    const answer = await send(appUrl, message, secret);
    if (answer.status !== 503 || answer.body?.error?.code !== "busy" || attempt >= BUSY_RETRIES) return answer;
    await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
  }
}
const BUSY_RETRIES = 10;

async function send(appUrl, message, secret) {
  const body = JSON.stringify(message);
  const response = await fetch(`${appUrl}/api/webhooks/vapi`, { method: "POST", headers: signVapi(body, secret), body });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** A small seeded PRNG: the same storm every run. */
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
