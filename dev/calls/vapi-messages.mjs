/**
 * Vapi server messages as Vapi sends them (shared/VAPI.md; the shapes of test/fixtures/vapi/),
 * for the call simulator and the bench: `{message: {type, timestamp, call, phoneNumber,
 * customer, …}}`, signed with the HMAC webhook credential — `x-signature` =
 * hex(HMAC-SHA256(secret, `${x-timestamp}.${body}`)), the timestamp in milliseconds.
 */
import crypto from "node:crypto";

/**
 * @typedef {{ callId: string, phoneNumberId: string, number: string, customer: string, assistantId?: string,
 *   orgId?: string, createdAt?: string }} CallLine  the call, the number it came in on, the caller
 */

const ORG_ID = "6d2f8a44-1c3e-4c55-9f0e-2b7d1a9e8c10";

/** @param {string} payload the exact body @param {string} secret @param {number} [nowMs] */
export function signVapi(payload, secret, nowMs = Date.now()) {
  const timestamp = String(nowMs);
  const signature = crypto.createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return { "content-type": "application/json; charset=utf-8", "user-agent": "Vapi/1.0", "x-timestamp": timestamp, "x-signature": signature };
}

/** @param {CallLine} line @param {string} status @param {number} nowMs */
function callObject(line, status, nowMs) {
  return {
    id: line.callId,
    orgId: line.orgId ?? ORG_ID,
    createdAt: line.createdAt ?? new Date(nowMs).toISOString(),
    updatedAt: new Date(nowMs).toISOString(),
    type: "inboundPhoneCall",
    status,
    phoneCallProvider: "vapi",
    phoneCallTransport: "pstn",
    phoneNumberId: line.phoneNumberId,
    ...(line.assistantId ? { assistantId: line.assistantId } : {}),
    customer: { number: line.customer },
  };
}

/** @param {CallLine} line @param {string} callStatus @param {number} nowMs @param {Record<string, unknown>} fields */
function envelope(line, callStatus, nowMs, fields) {
  return {
    message: {
      timestamp: nowMs,
      ...fields,
      call: callObject(line, callStatus, nowMs),
      phoneNumber: { id: line.phoneNumberId, orgId: line.orgId ?? ORG_ID, number: line.number, provider: "vapi", status: "active" },
      customer: { number: line.customer },
    },
  };
}

/** @param {CallLine} line */
export const assistantRequest = (line, nowMs = Date.now()) => envelope(line, "ringing", nowMs, { type: "assistant-request" });

/** @param {CallLine} line @param {string} status @param {string} [endedReason] */
export const statusUpdate = (line, status, endedReason, nowMs = Date.now()) =>
  envelope(line, status, nowMs, { type: "status-update", status, ...(endedReason ? { endedReason } : {}), artifact: { messages: [], messagesOpenAIFormatted: [] } });

/** @param {CallLine} line @param {"user" | "assistant"} role @param {string} text */
export const finalTranscript = (line, role, text, nowMs = Date.now()) =>
  envelope(line, "in-progress", nowMs, { type: 'transcript[transcriptType="final"]', role, transcriptType: "final", transcript: text });

/**
 * @param {CallLine} line
 * @param {{ id: string, name: string, arguments: Record<string, unknown> }[]} calls
 */
export function toolCalls(line, calls, nowMs = Date.now()) {
  const list = calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.arguments) } }));
  return envelope(line, "in-progress", nowMs, {
    type: "tool-calls",
    toolCallList: list,
    toolWithToolCallList: list.map((toolCall) => ({ type: "function", function: { name: toolCall.function.name }, toolCall })),
  });
}

/**
 * @param {CallLine} line
 * @param {{ startedAt: Date, endedAt: Date, endedReason: string, turns: { role: "bot" | "user", text: string }[],
 *   summary: string, structuredData: Record<string, unknown>, cost?: number }} report
 */
export function endOfCallReport(line, report, nowMs = report.endedAt.getTime() + 2000) {
  const start = report.startedAt.getTime();
  const minutes = (report.endedAt.getTime() - start) / 60_000;
  const step = Math.max(1000, Math.floor((report.endedAt.getTime() - start) / Math.max(1, report.turns.length)));
  const messages = report.turns.map((turn, index) => ({
    role: turn.role,
    message: turn.text,
    time: start + index * step,
    endTime: start + index * step + Math.min(step, 1500 + turn.text.length * 40),
    secondsFromStart: (index * step) / 1000,
    duration: Math.min(step, 1500 + turn.text.length * 40),
  }));
  const transcript = report.turns.map((turn) => `${turn.role === "bot" ? "AI" : "User"}: ${turn.text}`).join("\n");
  const cost = report.cost ?? Math.round(minutes * 0.07 * 10_000) / 10_000;
  return envelope(line, "ended", nowMs, {
    type: "end-of-call-report",
    endedReason: report.endedReason,
    startedAt: report.startedAt.toISOString(),
    endedAt: report.endedAt.toISOString(),
    cost,
    costs: [
      { type: "transport", provider: "vapi", minutes, cost: 0 },
      { type: "vapi", subType: "normal", minutes, cost },
    ],
    artifact: {
      transcript,
      messages,
      messagesOpenAIFormatted: [],
      recordingUrl: `https://storage.vapi.ai/${line.callId}-${nowMs}-mono.wav`,
      stereoRecordingUrl: `https://storage.vapi.ai/${line.callId}-${nowMs}-stereo.wav`,
    },
    analysis: { summary: report.summary, structuredData: report.structuredData, successEvaluation: "true" },
  });
}
