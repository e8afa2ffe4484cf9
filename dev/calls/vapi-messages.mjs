/**
 * Vapi server messages as Vapi sends them (docs/vapi.md; the shapes of test/fixtures/vapi/),
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
 * Where a tool call's arguments are, as Vapi's own sources show them (docs/vapi.md "Defensive
 * rules", test/fixtures/vendor/vapi/): the simulator rotates through them so the sandbox
 * exercises what production can send.
 * - `sdk-string`: `function.arguments` a JSON string, both lists (the SDK types);
 * - `function-object`: `function.arguments` an object;
 * - `function-parameters`: `function.parameters`;
 * - `server-events`: `name` + `parameters` at the top of the call, and `toolWithToolCallList`
 *   entries `{name, toolCall: {id, parameters}}` (docs fern/server-url/events.mdx);
 * - `custom-tools`: `name` + `arguments` (an object) at the top, and `toolCall.function.parameters`
 *   (docs fern/tools/custom-tools.mdx);
 * - `tool-with-tool-call-list-only`: no `toolCallList`, only `toolWithToolCallList[].toolCall`.
 */
export const TOOL_CALL_SHAPES = /** @type {const} */ (["sdk-string", "function-object", "function-parameters", "server-events", "custom-tools", "tool-with-tool-call-list-only"]);

/**
 * @param {CallLine} line
 * @param {{ id: string, name: string, arguments: Record<string, unknown> }[]} calls
 * @param {number} [nowMs]
 * @param {typeof TOOL_CALL_SHAPES[number]} [shape]
 */
export function toolCalls(line, calls, nowMs = Date.now(), shape = "sdk-string") {
  const sdk = calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: JSON.stringify(call.arguments) } }));
  /** @type {{ toolCallList?: unknown[], toolWithToolCallList: unknown[] }} */
  let lists;
  switch (shape) {
    case "function-object":
      lists = withTools(calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, arguments: call.arguments } })));
      break;
    case "function-parameters":
      lists = withTools(calls.map((call) => ({ id: call.id, type: "function", function: { name: call.name, parameters: call.arguments } })));
      break;
    case "server-events":
      lists = {
        toolCallList: calls.map((call) => ({ id: call.id, name: call.name, parameters: call.arguments })),
        toolWithToolCallList: calls.map((call) => ({ name: call.name, toolCall: { id: call.id, parameters: call.arguments } })),
      };
      break;
    case "custom-tools":
    case "tool-with-tool-call-list-only": {
      const wrapped = calls.map((call) => ({
        type: "function",
        name: call.name,
        parameters: { type: "object", properties: {} },
        messages: [],
        toolCall: { id: call.id, type: "function", function: { name: call.name, parameters: call.arguments } },
      }));
      lists = shape === "custom-tools" ? { toolCallList: calls.map((call) => ({ id: call.id, name: call.name, arguments: call.arguments })), toolWithToolCallList: wrapped } : { toolWithToolCallList: wrapped };
      break;
    }
    default:
      lists = withTools(sdk);
  }
  return envelope(line, "in-progress", nowMs, { type: "tool-calls", ...lists });
}

/** @param {{ id: string, function: { name: string } }[]} list the SDK's pairing: each call with its tool */
const withTools = (list) => ({ toolCallList: list, toolWithToolCallList: list.map((toolCall) => ({ type: "function", function: { name: toolCall.function.name }, toolCall })) });

/**
 * How a report carries the call, as Vapi's sources show it:
 * - `artifact`: the SDK's ServerMessageEndOfCallReport (artifact.transcript/messages, timing on the message);
 * - `call-timing`: startedAt/endedAt only on `call`;
 * - `top-level-messages`: the conversation only as top-level `messages` entries with `content`
 *   (OpenAI format), no transcript;
 * - `bare-call`: `call` is `{id}` only and the message names no number, assistant or customer
 *   (docs fern/calls/call-queue-management.mdx): the report must find the call opened at
 *   assistant-request by its id.
 */
export const REPORT_SHAPES = /** @type {const} */ (["artifact", "call-timing", "top-level-messages", "bare-call"]);

/**
 * @param {CallLine} line
 * @param {{ startedAt: Date, endedAt: Date, endedReason: string, turns: { role: "bot" | "user", text: string }[],
 *   summary: string, structuredData: Record<string, unknown>, cost?: number }} report
 * @param {number} [nowMs]
 * @param {typeof REPORT_SHAPES[number]} [shape]
 */
export function endOfCallReport(line, report, nowMs = report.endedAt.getTime() + 2000, shape = "artifact") {
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
  const timing = { startedAt: report.startedAt.toISOString(), endedAt: report.endedAt.toISOString() };
  const fields = {
    type: "end-of-call-report",
    endedReason: report.endedReason,
    ...(shape === "call-timing" ? {} : timing),
    cost,
    costs: [
      { type: "transport", provider: "vapi", minutes, cost: 0 },
      { type: "vapi", subType: "normal", minutes, cost },
    ],
    artifact:
      shape === "top-level-messages"
        ? { recordingUrl: `https://storage.vapi.ai/${line.callId}-${nowMs}-mono.wav` }
        : {
            transcript,
            messages,
            messagesOpenAIFormatted: [],
            recordingUrl: `https://storage.vapi.ai/${line.callId}-${nowMs}-mono.wav`,
            stereoRecordingUrl: `https://storage.vapi.ai/${line.callId}-${nowMs}-stereo.wav`,
          },
    ...(shape === "top-level-messages" ? { messages: report.turns.map((turn) => ({ role: turn.role === "bot" ? "assistant" : "user", content: turn.text })) } : {}),
    analysis: { summary: report.summary, structuredData: report.structuredData, successEvaluation: "true" },
  };
  const body = envelope(line, "ended", nowMs, fields);
  if (shape === "call-timing") Object.assign(body.message.call, timing);
  if (shape === "bare-call") {
    const message = /** @type {Record<string, unknown>} */ (body.message);
    message.call = { id: line.callId };
    delete message.phoneNumber;
    delete message.customer;
  }
  return body;
}
