/**
 * What an agent becomes at Vapi (docs/vapi.md "Assistant payload"): the whole assistant, built from
 * our row alone, so create and update send the same complete payload and Vapi never holds
 * anything our row does not say.
 *
 * @example
 *   const dto = buildAssistant(agent, { appUrl: config.APP_URL, credentialId });
 *   await vapi.assistants.create(dto);
 */
import type { Vapi } from "@vapi-ai/server-sdk";
import { CALL_STRUCTURED_DATA_SCHEMA } from "../../integrations/vapi/structured-data";
import { firstWords } from "./disclosure";
import { buildSystemPrompt, literal, type PromptSource } from "./system-prompt";
import { buildTools } from "./tools";

export { callerDisclosure, firstWords } from "./disclosure";
export { buildSystemPrompt } from "./system-prompt";
export { BOOK_APPOINTMENT, CANCEL_APPOINTMENT, CHECK_AVAILABILITY, MOVE_APPOINTMENT } from "./tools";

export const ASSISTANT_MODEL = "gpt-4o-mini";
export const MAX_CALL_SECONDS = 600;
export const WEBHOOK_PATH = "/api/webhooks/vapi";

/**
 * Messages our webhook acts on. Final transcripts only (ADR 0101, amended): one message per
 * utterance, so the dashboard can show a call in progress; partials would multiply the load.
 */
export const SERVER_MESSAGES = [
  "status-update",
  "end-of-call-report",
  "tool-calls",
  'transcript[transcriptType="final"]',
] as const satisfies readonly Vapi.CreateAssistantDtoServerMessagesItem[];

/** How long Vapi waits for our answer to one delivery (a tool call's deadline too). */
export const WEBHOOK_TIMEOUT_SECONDS = 20;

/**
 * Vapi retries a failed delivery (e.g. the end-of-call report) with this plan; handlers are
 * idempotent by call id. Retries land about 2, 6, 14, 30, 62, 126, 254 and 510 s after the
 * first failure (exponential from baseDelaySeconds), so they outlast a held report claim
 * (REPORT_CLAIM_TTL_SECONDS, 30 s) and a database blip of a few minutes (ADR 0410). Within
 * docs/vapi.md's limits (maxRetries ≤ 10, baseDelaySeconds ≤ 10).
 */
export const WEBHOOK_BACKOFF = { type: "exponential", maxRetries: 8, baseDelaySeconds: 2 } as const;

/** The structured data Vapi extracts after each call: defined once, beside its reader (ADR 0411). */
export { CALL_STRUCTURED_DATA_SCHEMA } from "../../integrations/vapi/structured-data";

/** An agent row as far as the assistant is concerned. */
export interface AssistantSource extends PromptSource {
  id: string;
  businessId: string;
  greeting: string;
  voiceProvider: string;
  voiceId: string;
  /** Vapi records the call (artifactPlan) and the first words say so (ADR 0121). */
  recordingEnabled: boolean;
}

export interface AssistantContext {
  /** APP_URL: the origin our webhook lives under. */
  appUrl: string;
  /** The Vapi webhook credential (HMAC) that signs every message to our server URL. */
  credentialId: string;
  /** ENVIRONMENT_ID: stamped on the assistant's metadata and name (ADR 0120). */
  environmentId: string;
}

/** Vapi's limit on names (assistants, phone numbers, credentials: CreateAssistantDto and the stand-in). */
export const VAPI_NAME_MAX = 40;

/**
 * A name as Vapi shows it in the dashboard, led by the environment so people sharing one Vapi
 * org see whose an object is: "[staging] Bella's Front Desk", cut to Vapi's 40 characters.
 */
export function vapiName(environmentId: string, name: string): string {
  return `[${environmentId}] ${name}`.slice(0, VAPI_NAME_MAX).trim();
}

export function buildAssistant(agent: AssistantSource, context: AssistantContext): Vapi.CreateAssistantDto {
  return {
    name: vapiName(context.environmentId, agent.name),
    // The AI (and recording) disclosure first, then the owner's greeting (ADR 0121).
    firstMessage: firstWords({ greeting: literal(agent.greeting), recordingEnabled: agent.recordingEnabled }),
    firstMessageMode: "assistant-speaks-first",
    maxDurationSeconds: MAX_CALL_SECONDS,
    endCallMessage: "Thank you for calling. Goodbye!",
    model: {
      provider: "openai",
      model: ASSISTANT_MODEL,
      temperature: 0.3,
      messages: [{ role: "system", content: buildSystemPrompt(agent) }],
      tools: buildTools(agent),
    },
    voice: { provider: agent.voiceProvider, voiceId: agent.voiceId } as Vapi.CreateAssistantDtoVoice,
    transcriber: { provider: "deepgram", model: "nova-3", language: "en" },
    server: webhookServer(context, { withBackoff: true }),
    serverMessages: [...SERVER_MESSAGES],
    analysisPlan: {
      summaryPlan: { enabled: true },
      structuredDataPlan: { enabled: true, schema: CALL_STRUCTURED_DATA_SCHEMA },
    },
    artifactPlan: { recordingEnabled: agent.recordingEnabled },
    // `environmentId` is what the orphan sweep and the deploy's checks select by (ADR 0120).
    metadata: { agentId: agent.id, businessId: agent.businessId, environmentId: context.environmentId },
  };
}

/** Our webhook as a Vapi `server`: used by assistants (with a retry plan) and phone numbers. */
export function webhookServer(context: Pick<AssistantContext, "appUrl" | "credentialId">, options: { withBackoff?: boolean } = {}): Vapi.Server {
  return {
    url: `${context.appUrl}${WEBHOOK_PATH}`,
    credentialId: context.credentialId,
    ...(options.withBackoff
      ? {
          timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
          // The SDK types `type` as an object; the API takes the plan's name ("fixed" | "exponential").
          backoffPlan: { ...WEBHOOK_BACKOFF, type: WEBHOOK_BACKOFF.type as unknown as Record<string, unknown> },
        }
      : {}),
  };
}
