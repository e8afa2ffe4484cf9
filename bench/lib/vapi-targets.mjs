/**
 * The Vapi webhook routes under load (docs/architecture.md §11): assistant-request and tool-calls
 * (availability) must keep p99 within 3× the floor with at most one and two database round
 * trips; end-of-call-report is measured beside them. Every request is a fresh, correctly
 * signed message (a new call id where the route would otherwise answer "duplicate").
 */
import crypto from "node:crypto";
import { assistantRequest, endOfCallReport, signVapi, toolCalls } from "../../dev/calls/vapi-messages.mjs";

const CUSTOMER = "+15125550147";

/**
 * @param {string} appUrl
 * @param {import("./seed.mjs").SeededOwner} owner  with credits for thousands of holds
 * @param {string} secret  VAPI_WEBHOOK_SECRET
 * @returns {Promise<import("./load.mjs").Target[]>}
 */
export async function vapiTargets(appUrl, owner, secret) {
  const line = (callId = `call-bench-${crypto.randomUUID()}`) => ({
    callId, phoneNumberId: owner.phoneNumberId, number: owner.number, customer: CUSTOMER, assistantId: owner.assistantId,
  });
  // One call in progress for the tool calls to belong to.
  const ongoing = line();
  const answer = await post(appUrl, assistantRequest(ongoing), secret);
  if (!answer.assistantId) throw new Error(`bench assistant-request refused: ${JSON.stringify(answer)}`);

  // The figure is meant to include the calendar read: refuse to measure the spoken fallback.
  const probe = await post(appUrl, toolCalls(ongoing, [{ id: "call_benchprobe", name: "check_availability", arguments: { date: nextTuesday() } }]), secret);
  const spoken = probe.results?.[0]?.result ?? "";
  if (!/\d(:\d\d)? ?[AP]M/.test(spoken)) throw new Error(`bench tool call did not read the calendar: ${JSON.stringify(probe)}`);

  const fresh = (build) => () => {
    const body = JSON.stringify(build());
    return { body, headers: signVapi(body, secret) };
  };
  const targets = [
    { name: "vapi assistant-request", build: fresh(() => assistantRequest(line())), budget: { p99TimesFloor: 3, maxRoundTrips: 1 } },
    {
      name: "vapi tool-calls (availability)",
      build: fresh(() => toolCalls(ongoing, [{ id: `call_${crypto.randomUUID().replaceAll("-", "")}`, name: "check_availability", arguments: { date: nextTuesday() } }])),
      budget: { p99TimesFloor: 3, maxRoundTrips: 2 },
    },
    {
      name: "vapi end-of-call-report",
      build: fresh(() => {
        const endedAt = new Date();
        return endOfCallReport(line(), {
          startedAt: new Date(endedAt.getTime() - 95_000), endedAt, endedReason: "customer-ended-call",
          turns: [
            { role: "bot", text: "Thanks for calling Bella Hair Studio! How can I help?" },
            { role: "user", text: "Are you open on Saturdays?" },
            { role: "bot", text: "We are, from nine to three." },
          ],
          summary: "The caller asked about Saturday hours.",
          structuredData: { appointmentBooked: false, followUpNeeded: false, unansweredQuestions: [] },
        });
      }),
    },
  ];
  return targets.map(({ name, build, budget }) => ({
    name,
    method: "POST",
    path: "/api/webhooks/vapi",
    budget,
    setupRequest: (request) => ({ ...request, ...merge(request, build()) }),
    send: () => {
      const { body, headers } = build();
      return fetch(`${appUrl}/api/webhooks/vapi`, { method: "POST", headers, body });
    },
  }));
}

function merge(request, built) {
  return { body: built.body, headers: { ...(request.headers ?? {}), ...built.headers } };
}

/** @returns {Promise<any>} */
async function post(appUrl, message, secret) {
  const body = JSON.stringify(message);
  const response = await fetch(`${appUrl}/api/webhooks/vapi`, { method: "POST", headers: signVapi(body, secret), body });
  if (!response.ok) throw new Error(`bench webhook: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

/** A weekday inside the seeded business hours, a few days ahead. */
function nextTuesday() {
  const day = new Date();
  do day.setUTCDate(day.getUTCDate() + 1);
  while (day.getUTCDay() !== 2);
  return day.toISOString().slice(0, 10);
}
