/**
 * Vapi's server messages in tests: the fixtures in test/fixtures/vapi/ (real-shaped payloads)
 * pointed at a test's own call, number and assistant; signed as Vapi's HMAC credential signs
 * them; posted to our webhook. And a "line" — an owner with credits, an agent and a number —
 * seeded straight into the database, as the agents and numbers routes would leave it.
 */

import type { Bindings } from "../../src/bindings";
import { agents, phoneNumbers } from "../../src/db/schema";
import { hmacHex } from "../../src/integrations/vapi/verify";
import assistantRequest from "../fixtures/vapi/assistant-request.json";
import endOfCallReport from "../fixtures/vapi/end-of-call-report.json";
import endOfCallReportLegacy from "../fixtures/vapi/end-of-call-report-legacy.json";
import hang from "../fixtures/vapi/hang.json";
import statusUpdate from "../fixtures/vapi/status-update.json";
import statusUpdateEnded from "../fixtures/vapi/status-update-ended.json";
import toolCalls from "../fixtures/vapi/tool-calls.json";
import transcriptFinal from "../fixtures/vapi/transcript-final.json";
import { db } from "./db";
import { testEnv } from "./env";
import { createPayingUser, createUserWithCredits } from "./factories";
import { call } from "./http";

const FIXTURES = {
  "assistant-request": assistantRequest,
  "status-update": statusUpdate,
  "status-update-ended": statusUpdateEnded,
  "transcript-final": transcriptFinal,
  "tool-calls": toolCalls,
  "end-of-call-report": endOfCallReport,
  "end-of-call-report-legacy": endOfCallReportLegacy,
  hang,
} as const;

export type FixtureName = keyof typeof FIXTURES;
// biome-ignore lint: fixtures are free-form JSON
export type VapiBody = { message: Record<string, any> };

export interface Line {
  vapiCallId: string;
  vapiPhoneNumberId: string;
  vapiAssistantId: string;
  customer?: string;
}

/** A fixture pointed at `line`'s call, number and assistant; `patch` merges into `message`. */
export function vapiMessage(name: FixtureName, line: Line, patch: Record<string, unknown> = {}): VapiBody {
  const text = JSON.stringify(FIXTURES[name])
    .replaceAll("0b1e6a8e-6a59-4d1c-9b7a-7b5e2f1c0a01", line.vapiCallId)
    .replaceAll("PHONE_NUMBER_ID", line.vapiPhoneNumberId)
    .replaceAll("ASSISTANT_ID", line.vapiAssistantId)
    .replaceAll("+15125550147", line.customer ?? "+15125550147");
  const body = JSON.parse(text) as VapiBody;
  Object.assign(body.message, patch);
  return body;
}

export const webhookSecret = () => String(testEnv.VAPI_WEBHOOK_SECRET);

/** Headers as Vapi's HMAC credential sends them (timestamp in ms unless told). */
export async function signVapi(payload: string, options: { secret?: string; timestamp?: string } = {}) {
  const timestamp = options.timestamp ?? String(Date.now());
  return { "x-timestamp": timestamp, "x-signature": await hmacHex(options.secret ?? webhookSecret(), `${timestamp}.${payload}`) };
}

export async function postVapi(body: unknown, options: { headers?: Record<string, string>; unsigned?: boolean; env?: Bindings } = {}) {
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  const signed = options.unsigned ? {} : await signVapi(payload);
  return call("/api/webhooks/vapi", {
    method: "POST",
    body: payload,
    headers: { "content-type": "application/json; charset=utf-8", "user-agent": "Vapi/1.0", ...signed, ...options.headers },
    ...(options.env ? { env: options.env } : {}),
  });
}

export async function deliver<T = Record<string, unknown>>(body: unknown, env?: Bindings): Promise<{ status: number; body: T }> {
  const response = await postVapi(body, env ? { env } : {});
  return { status: response.status, body: (await response.json()) as T };
}

/** An owner with `credits`, an agent and a number pointing at it, and a fresh Vapi call id. */
export async function createLine(options: {
  credits?: number;
  ownerPhone?: string | null;
  agentStatus?: "active" | "paused";
  notify?: "all" | "important" | "none";
  sheetsLogging?: boolean;
  bookingEnabled?: boolean;
  timezone?: string;
  withAgent?: boolean;
  transferNumber?: string | null;
  /** The owner has completed a purchase, as every owner who could buy a number has (default true). */
  paid?: boolean;
} = {}) {
  const profile = { phone: options.ownerPhone ?? null };
  const credits = options.credits ?? 100;
  const owner = options.paid === false ? await createUserWithCredits(credits, profile) : await createPayingUser(profile, credits);
  const vapiAssistantId = `asst-${crypto.randomUUID()}`;
  const vapiPhoneNumberId = `pn-${crypto.randomUUID()}`;
  let agentId: string | null = null;
  if (options.withAgent !== false) {
    const [agent] = await db
      .insert(agents)
      .values({
        businessId: owner.user.id,
        vapiAssistantId,
        name: "Bella's Front Desk",
        greeting: "Hi, thanks for calling Bella Hair Studio!",
        status: options.agentStatus ?? "active",
        notify: options.notify ?? "important",
        sheetsLogging: options.sheetsLogging ?? false,
        bookingEnabled: options.bookingEnabled ?? false,
        transferNumber: options.transferNumber ?? null,
        timezone: options.timezone ?? "America/Chicago",
        businessHours: { mon: [{ start: "09:00", end: "17:00" }], tue: [{ start: "09:00", end: "17:00" }] },
      })
      .returning();
    agentId = agent?.id ?? null;
  }
  const digits = String(Math.floor(Math.random() * 1e7)).padStart(7, "0");
  const [number] = await db
    .insert(phoneNumbers)
    .values({ businessId: owner.user.id, agentId, vapiPhoneNumberId, e164: `+1415${digits}`, status: "active" })
    .returning();
  return {
    owner,
    agentId,
    phoneNumberId: number?.id,
    line: { vapiCallId: `call-${crypto.randomUUID()}`, vapiPhoneNumberId, vapiAssistantId },
    /** Another call on the same line. */
    newCall: (): Line => ({ vapiCallId: `call-${crypto.randomUUID()}`, vapiPhoneNumberId, vapiAssistantId }),
  };
}
