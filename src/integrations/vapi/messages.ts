/**
 * Vapi's server messages (VAPI.md "Incoming messages") as zod schemas that accept the variants
 * Vapi sends: tool-call arguments as a JSON string or an object, `name`/`arguments` at the top of
 * a tool call, and the older top-level `summary`/`transcript`/`recordingUrl` of a report. Objects
 * are loose: Vapi adds fields often, and an unknown field must never turn a call into a 400.
 */
import { z } from "zod";
import { firstUse } from "../../lib/first-use";

// Built on the first webhook, not at startup (lib/first-use.ts, ADR 0900).
const built = firstUse(() => {
  /** Bounded by the webhook's body limit; a long call must never turn its report into a 400. */
  const text = z.string();
  const id = z.string().trim().min(1).max(200);
  const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);

  const customerSchema = z.looseObject({ number: optional(z.string().max(40)), name: optional(z.string().max(200)) });

  const callSchema = z.looseObject({
    id,
    phoneNumberId: optional(id),
    assistantId: optional(id),
    customer: optional(customerSchema),
    startedAt: optional(z.string()),
    endedAt: optional(z.string()),
    status: optional(z.string()),
  });

  const envelope = {
    timestamp: optional(z.number()),
    call: callSchema,
    phoneNumber: optional(z.looseObject({ id: optional(id), number: optional(z.string().max(40)) })),
    customer: optional(customerSchema),
    assistant: optional(z.looseObject({ id: optional(id), metadata: optional(z.record(z.string(), z.unknown())) })),
  };

  const assistantRequestSchema = z.looseObject({ type: z.literal("assistant-request"), ...envelope });

  const statusUpdateSchema = z.looseObject({
    type: z.literal("status-update"),
    ...envelope,
    status: z.string().trim().min(1).max(40),
    endedReason: optional(z.string().max(200)),
  });

  const transcriptSchema = z.looseObject({
    type: z.enum(["transcript", 'transcript[transcriptType="final"]']),
    ...envelope,
    role: z.string().trim().min(1).max(40),
    transcriptType: z.enum(["partial", "final"]),
    transcript: text,
  });

  const artifactSchema = z.looseObject({
    transcript: optional(text),
    messages: optional(z.array(z.record(z.string(), z.unknown()))),
    recordingUrl: optional(z.string().max(4000)),
    stereoRecordingUrl: optional(z.string().max(4000)),
    recording: optional(z.looseObject({ mono: optional(z.looseObject({ combinedUrl: optional(z.string().max(4000)) })) })),
  });

  const endOfCallReportSchema = z.looseObject({
    type: z.literal("end-of-call-report"),
    ...envelope,
    endedReason: optional(z.string().max(200)),
    artifact: optional(artifactSchema),
    analysis: optional(
      z.looseObject({
        summary: optional(text),
        structuredData: optional(z.record(z.string(), z.unknown())),
        successEvaluation: optional(z.unknown()),
      }),
    ),
    cost: optional(z.number().nonnegative()),
    startedAt: optional(z.string()),
    endedAt: optional(z.string()),
    durationSeconds: optional(z.number().nonnegative()),
    durationMs: optional(z.number().nonnegative()),
    // Older payloads carry these at the top of the message.
    summary: optional(text),
    transcript: optional(text),
    recordingUrl: optional(z.string().max(4000)),
  });

  const argumentsSchema = z
    .union([z.string().max(20_000), z.record(z.string(), z.unknown())])
    .nullish()
    .transform((value, ctx): Record<string, unknown> => {
      if (value === null || value === undefined || value === "") return {};
      if (typeof value !== "string") return value;
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: "custom", message: "tool-call arguments must be a JSON object" });
      return z.NEVER;
    });

  const toolCallSchema = z
    .looseObject({
      id,
      type: optional(z.string()),
      function: optional(z.looseObject({ name: z.string().trim().min(1).max(100), arguments: argumentsSchema })),
      name: optional(z.string().trim().min(1).max(100)),
      arguments: argumentsSchema,
    })
    .transform((call, ctx) => {
      const name = call.function?.name ?? call.name;
      if (!name) {
        ctx.addIssue({ code: "custom", message: "a tool call needs a function name" });
        return z.NEVER;
      }
      const args = call.function && Object.keys(call.function.arguments).length ? call.function.arguments : call.arguments;
      return { id: call.id, name, arguments: args };
    });

  const toolCallsSchema = z.looseObject({
    type: z.literal("tool-calls"),
    ...envelope,
    toolCallList: z.array(toolCallSchema).min(1).max(20),
  });

  return { assistantRequestSchema, statusUpdateSchema, transcriptSchema, endOfCallReportSchema, toolCallsSchema };
});

export const assistantRequestSchema = z.lazy(() => built().assistantRequestSchema);
export const statusUpdateSchema = z.lazy(() => built().statusUpdateSchema);
export const transcriptSchema = z.lazy(() => built().transcriptSchema);
export const endOfCallReportSchema = z.lazy(() => built().endOfCallReportSchema);
export const toolCallsSchema = z.lazy(() => built().toolCallsSchema);

export type AssistantRequestMessage = z.infer<typeof assistantRequestSchema>;
export type StatusUpdateMessage = z.infer<typeof statusUpdateSchema>;
export type TranscriptMessage = z.infer<typeof transcriptSchema>;
export type EndOfCallReportMessage = z.infer<typeof endOfCallReportSchema>;
export type ToolCallsMessage = z.infer<typeof toolCallsSchema>;
export type ToolCall = ToolCallsMessage["toolCallList"][number];

const SCHEMAS = {
  "assistant-request": assistantRequestSchema,
  "status-update": statusUpdateSchema,
  transcript: transcriptSchema,
  'transcript[transcriptType="final"]': transcriptSchema,
  "end-of-call-report": endOfCallReportSchema,
  "tool-calls": toolCallsSchema,
} as const;

export type VapiMessage = AssistantRequestMessage | StatusUpdateMessage | TranscriptMessage | EndOfCallReportMessage | ToolCallsMessage;

export type ParsedVapiMessage =
  | { kind: "message"; message: VapiMessage }
  | { kind: "ignored"; type: string }
  | { kind: "malformed"; issues: { path: string; message: string }[] };

/** Parses a request body `{message: {type, …}}`; a type we do not act on is `ignored`. */
export function parseVapiMessage(body: unknown): ParsedVapiMessage {
  const message = (body as { message?: unknown } | null)?.message;
  if (!message || typeof message !== "object" || Array.isArray(message)) {
    return { kind: "malformed", issues: [{ path: "message", message: "must be an object" }] };
  }
  const type = (message as { type?: unknown }).type;
  if (typeof type !== "string" || !type) return { kind: "malformed", issues: [{ path: "message.type", message: "must be a string" }] };
  const schema = (SCHEMAS as Record<string, z.ZodType<VapiMessage>>)[type];
  if (!schema) return { kind: "ignored", type: type.slice(0, 60) };
  const parsed = schema.safeParse(message);
  if (!parsed.success) {
    return { kind: "malformed", issues: parsed.error.issues.map((issue) => ({ path: ["message", ...issue.path].map(String).join("."), message: issue.message })) };
  }
  return { kind: "message", message: parsed.data };
}
