/**
 * Plays one call into the app's Vapi webhook, as Vapi sends it: the project's real-shaped
 * fixtures (test/fixtures/vapi/) pointed at the owner's number and assistant, signed with the
 * sandbox's HMAC webhook credential. Used until `npm run simulate:call` exists.
 */
import { createHmac, randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { VAPI_SANDBOX_WEBHOOK_SECRET } from "../../dev/stand-ins/vapi.mjs";

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..");
const FIXTURE_CALL_ID = "0b1e6a8e-6a59-4d1c-9b7a-7b5e2f1c0a01";

/** @param {{ appUrl: string, vapiPhoneNumberId: string, vapiAssistantId: string, customer?: string }} line */
export function newCall(line) {
  const callId = randomUUID();
  const startedAt = new Date(Date.now() - 185_000);
  /** @param {string} name @param {Record<string, unknown>} [patch] */
  const message = (name, patch = {}) => {
    const text = fs
      .readFileSync(path.join(ROOT, "test", "fixtures", "vapi", `${name}.json`), "utf8")
      .replaceAll(FIXTURE_CALL_ID, callId)
      .replaceAll("PHONE_NUMBER_ID", line.vapiPhoneNumberId)
      .replaceAll("ASSISTANT_ID", line.vapiAssistantId)
      .replaceAll("+15125550147", line.customer ?? "+15125550147");
    const body = JSON.parse(text);
    Object.assign(body.message, { timestamp: Date.now() }, patch);
    return body;
  };
  /** @param {unknown} body */
  const post = async (body) => {
    const payload = JSON.stringify(body);
    const timestamp = String(Date.now());
    const signature = createHmac("sha256", VAPI_SANDBOX_WEBHOOK_SECRET).update(`${timestamp}.${payload}`).digest("hex");
    const response = await fetch(`${line.appUrl}/api/webhooks/vapi`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Vapi/1.0", "x-timestamp": timestamp, "x-signature": signature },
      body: payload,
    });
    const answer = await response.text();
    if (!response.ok) throw new Error(`the Vapi webhook answered ${response.status}: ${answer}`);
    return answer ? JSON.parse(answer) : null;
  };
  return {
    callId,
    /** The caller dials: Agentline picks the agent. */
    ring: () => post(message("assistant-request")),
    /** The receptionist picks up. */
    answer: () => post(message("status-update")),
    /** The model calls one of our tools mid-call (the fixture's shape, our name and arguments); answers the tool's result text. */
    tool: async (name, args) => {
      const body = message("tool-calls");
      const call = { id: `call_${randomUUID().replace(/-/g, "").slice(0, 24)}`, type: "function", function: { name, arguments: JSON.stringify(args) } };
      body.message.toolCallList = [call];
      body.message.toolWithToolCallList = [{ ...body.message.toolWithToolCallList[0], function: { ...body.message.toolWithToolCallList[0].function, name }, toolCall: call }];
      const answer = await post(body);
      return String(answer?.results?.[0]?.result ?? answer?.results?.[0]?.error ?? "");
    },
    /** The call ends (after `seconds`; a few is a call cut short): the report with transcript, summary, structured data and Vapi's cost. */
    hangUp: (seconds = 185) => post(message("end-of-call-report", { startedAt: startedAt.toISOString(), endedAt: new Date(startedAt.getTime() + seconds * 1000).toISOString() })),
  };
}
