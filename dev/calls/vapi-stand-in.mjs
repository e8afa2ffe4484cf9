/**
 * Telling the Vapi stand-in about a simulated call, so that Vapi's `GET /call/{id}` (which
 * reconciliation asks, ADR 0410) knows it as the real Vapi would. The stand-in learns calls only
 * through its stand-in-only `PUT /__stand-in/call/{id}` (dev/stand-ins/vapi.mjs).
 *
 * Where the stand-in is: the app's own `GET /api/sandbox` says (`vapi.baseUrl`, its
 * VAPI_BASE_URL), and that route exists only in sandbox mode. Against any other app (a 404, an
 * older app without the field, nothing answering) there is no stand-in to tell, and the
 * simulator plays the call as before.
 */

/** The Vapi stand-in's base URL when the app at `appUrl` runs in sandbox mode, else null. */
export async function vapiStandInOf(appUrl) {
  const response = await fetch(`${appUrl}/api/sandbox`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
  if (!response?.ok) return null;
  const body = /** @type {{ vapi?: { baseUrl?: unknown } } | null} */ (await response.json().catch(() => null));
  const baseUrl = body?.vapi?.baseUrl;
  return typeof baseUrl === "string" && baseUrl ? baseUrl.replace(/\/$/, "") : null;
}

/** The Twilio stand-in's base URL when the app at `appUrl` runs in sandbox mode (`twilio.baseUrl` of GET /api/sandbox), else null. */
export async function twilioStandInOf(appUrl) {
  const response = await fetch(`${appUrl}/api/sandbox`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
  if (!response?.ok) return null;
  const body = /** @type {{ twilio?: { baseUrl?: unknown } } | null} */ (await response.json().catch(() => null));
  const baseUrl = body?.twilio?.baseUrl;
  return typeof baseUrl === "string" && baseUrl ? baseUrl.replace(/\/$/, "") : null;
}

/** The texts the Twilio stand-in holds (its `GET /__control/state`), oldest first; [] when it does not answer. */
export async function standInTexts(twilioStandIn) {
  const response = await fetch(`${twilioStandIn}/__control/state`, { signal: AbortSignal.timeout(5000) }).catch(() => null);
  if (!response?.ok) return [];
  const state = /** @type {{ messages?: { sid: string, from: string, to: string, body: string, direction: string, status: string, num_segments: string }[] }} */ (await response.json());
  return state.messages ?? [];
}

/**
 * Vapi's record of a call (the SDK's `Call`) from the end-of-call report the simulator sends,
 * as `GET /call/{id}` would answer after the call: the report's timing, reason, cost, artifact
 * and analysis, on the report's call object.
 * @param {{ message: Record<string, any> }} report a body from vapi-messages.mjs endOfCallReport (shape "artifact")
 */
export function callRecordFromReport(report) {
  const { message } = report;
  // The stand-in dates its record itself (createdAt when first told, updatedAt on each change).
  const { createdAt: _created, updatedAt: _updated, ...call } = message.call ?? {};
  return {
    ...call,
    status: "ended",
    endedReason: message.endedReason,
    startedAt: message.startedAt ?? call.startedAt,
    endedAt: message.endedAt ?? call.endedAt,
    cost: message.cost,
    costs: message.costs,
    artifact: message.artifact,
    analysis: message.analysis,
  };
}

/**
 * `PUT /__stand-in/call/{id}` with `call` (fields of the SDK's `Call`, `id` required).
 * @param {string} standInUrl @param {Record<string, unknown> & { id: string }} call
 */
export async function tellVapiStandIn(standInUrl, call) {
  const response = await fetch(`${standInUrl}/__stand-in/call/${encodeURIComponent(call.id)}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(call),
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`the Vapi stand-in answered HTTP ${response.status} to PUT /__stand-in/call/${call.id}`);
}
