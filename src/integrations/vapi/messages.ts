/**
 * Vapi's server messages (docs/vapi.md "Incoming messages") as zod schemas that accept the variants
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

  /**
   * A time as an ISO string, or absent when it cannot be read: the database casts it, and a
   * time it cannot cast would fail every delivery (a 5xx Vapi retries until it gives up).
   */
  const time = z
    .string()
    .nullish()
    .transform((value) => {
      const ms = Date.parse(value ?? "");
      return Number.isFinite(ms) && ms >= 0 && ms <= MAX_TIME_MS ? new Date(ms).toISOString() : undefined;
    });

  const customerSchema = z.looseObject({ number: optional(z.string().max(40)), name: optional(z.string().max(200)) });

  const callSchema = z.looseObject({
    id,
    phoneNumberId: optional(id),
    assistantId: optional(id),
    customer: optional(customerSchema),
    startedAt: time,
    endedAt: time,
    status: optional(z.string()),
    // Vapi's call-queue example sends a report whose only ended reason is the call's.
    endedReason: optional(z.string().max(200)),
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
    startedAt: time,
    endedAt: time,
    durationSeconds: optional(z.number().nonnegative()),
    durationMs: optional(z.number().nonnegative()),
    // Older payloads carry these at the top of the message.
    summary: optional(text),
    transcript: optional(text),
    recordingUrl: optional(z.string().max(4000)),
    // Vapi's examples also put the conversation at the top (`content` rather than `message`).
    messages: optional(z.array(z.record(z.string(), z.unknown()))),
  }).transform(normaliseReport);

  const toolCallsSchema = z
    .looseObject({
      type: z.literal("tool-calls"),
      ...envelope,
      // Read entry by entry (readToolCalls), so that one unreadable call is answered on its own.
      toolCallList: optional(z.array(z.unknown()).max(200)),
      toolWithToolCallList: optional(z.array(z.unknown()).max(200)),
    })
    .transform((message, ctx) => {
      const toolCallList = readToolCalls(message.toolCallList, message.toolWithToolCallList);
      if (!toolCallList.length) {
        ctx.addIssue({ code: "custom", path: ["toolCallList"], message: "has no tool call with an id" });
        return z.NEVER;
      }
      return { ...message, toolCallList };
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

/**
 * One tool call as we act on it. `unreadable` says why its arguments or name could not be read
 * (the model writes `function.arguments` and nothing promises it is JSON): that call is answered
 * with an `error` result for its id, the others as usual.
 */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
  unreadable?: string;
}

// A Map, not an object: `type` is outside text, and "__proto__" or "toString" must not find anything.
const SCHEMAS = new Map<string, z.ZodType<VapiMessage>>([
  ["assistant-request", assistantRequestSchema],
  ["status-update", statusUpdateSchema],
  ["transcript", transcriptSchema],
  ['transcript[transcriptType="final"]', transcriptSchema],
  ["end-of-call-report", endOfCallReportSchema],
  ["tool-calls", toolCallsSchema],
]);
/** Messages we only record: without a call to record them on they are nothing to us (the docs' transcript example has none). */
const RECORD_ONLY = new Set(["transcript", 'transcript[transcriptType="final"]']);

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
  const schema = SCHEMAS.get(type);
  if (!schema) return { kind: "ignored", type: type.slice(0, 60) };
  if (RECORD_ONLY.has(type) && ownField(message, "call") == null) return { kind: "ignored", type };
  const parsed = schema.safeParse(message);
  if (!parsed.success) {
    return { kind: "malformed", issues: parsed.error.issues.map((issue) => ({ path: ["message", ...issue.path].map(String).join("."), message: issue.message })) };
  }
  return { kind: "message", message: parsed.data };
}

/** `object[key]` only when it is the object's own property: outside text never reaches Object.prototype. */
function ownField(object: unknown, key: string): unknown {
  return object && typeof object === "object" && Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined;
}

/** 9999-12-31T23:59:59.999Z: later times have no ISO form the database reads. */
const MAX_TIME_MS = 253_402_300_799_999;
const MAX_TOOL_CALLS = 20;
const MAX_ARGUMENTS_CHARS = 20_000;
const MAX_TOOL_NAME_CHARS = 100;

/**
 * The tool calls of a message, in call order, from wherever Vapi's sources put them (docs/vapi.md
 * "Defensive rules"): `toolCallList` when it has entries, else `toolWithToolCallList[].toolCall`.
 * For each call the name and arguments are taken from the first place that has them:
 * `function.arguments` (a JSON string or an object), `function.parameters`, `arguments`,
 * `parameters` at the top of the call, then the same places on the matching
 * `toolWithToolCallList` entry's `toolCall` (and the entry's own `name` / `function.name`); a
 * candidate that is a JSON schema counts as empty (isJsonSchema). An
 * entry's top-level `parameters` is never read: on that entry it is the tool's JSON schema
 * (custom-tools page) or static values (SDK), not what the model asked for.
 * An entry without a usable id cannot be answered and is left out.
 */
function readToolCalls(toolCallList: unknown[] | undefined, toolWithToolCallList: unknown[] | undefined): ToolCall[] {
  const wrapped = new Map<string, unknown>();
  for (const entry of toolWithToolCallList ?? []) {
    const id = idOf(ownField(ownField(entry, "toolCall"), "id"));
    if (id && !wrapped.has(id)) wrapped.set(id, entry);
  }
  const primary = toolCallList?.length ? toolCallList : (toolWithToolCallList ?? []).map((entry) => ownField(entry, "toolCall"));
  const calls: ToolCall[] = [];
  const seen = new Set<string>();
  for (const raw of primary) {
    const id = idOf(ownField(raw, "id"));
    if (!id || seen.has(id)) continue;
    seen.add(id);
    const entry = wrapped.get(id);
    const sources = [raw, ownField(entry, "toolCall")];
    const name = firstName([...sources.flatMap((source) => [ownField(ownField(source, "function"), "name"), ownField(source, "name")]), ownField(ownField(entry, "function"), "name"), ownField(entry, "name")]);
    const args = readArguments(sources.flatMap((source) => {
      const fn = ownField(source, "function");
      return [ownField(fn, "arguments"), ownField(fn, "parameters"), ownField(source, "arguments"), ownField(source, "parameters")];
    }));
    const unreadable =
      calls.length >= MAX_TOOL_CALLS ? `more than ${MAX_TOOL_CALLS} tool calls in one message` : !name ? "a tool call needs a function name" : "problem" in args ? args.problem : undefined;
    calls.push(unreadable ? { id, name: name ?? "", arguments: {}, unreadable } : { id, name: name ?? "", arguments: "value" in args ? args.value : {} });
  }
  return calls;
}

function idOf(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const id = value.trim();
  return id && id.length <= 200 ? id : undefined;
}

function firstName(candidates: unknown[]): string | undefined {
  for (const candidate of candidates) {
    if (typeof candidate !== "string") continue;
    const name = candidate.trim();
    if (name && name.length <= MAX_TOOL_NAME_CHARS) return name;
  }
  return undefined;
}

/** The first candidate with arguments in it; an unreadable one counts only when nothing else is there. */
function readArguments(candidates: unknown[]): { value: Record<string, unknown> } | { problem: string } | { none: true } {
  let problem: string | undefined;
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === null || candidate === "") continue;
    const read = readArgumentValue(candidate);
    if ("problem" in read) problem ??= read.problem;
    else if (Object.keys(read.value).length) return read;
  }
  return problem ? { problem } : { none: true };
}

/**
 * A tool's JSON schema (`{type: "object", properties: {…}}`), as the custom-tools page puts in a
 * tool's `parameters`: what the tool accepts, never what the model asked for. A call whose
 * `function.arguments` is empty (`"{}"`) next to such a `parameters` has no arguments.
 */
function isJsonSchema(value: Record<string, unknown>): boolean {
  const properties = ownField(value, "properties");
  return ownField(value, "type") === "object" && typeof properties === "object" && properties !== null && !Array.isArray(properties);
}

function readArgumentValue(value: unknown): { value: Record<string, unknown> } | { problem: string } {
  if (typeof value === "object" && value && !Array.isArray(value)) return { value: isJsonSchema(value as Record<string, unknown>) ? {} : (value as Record<string, unknown>) };
  if (typeof value !== "string") return { problem: "tool-call arguments must be a JSON object" };
  if (value.length > MAX_ARGUMENTS_CHARS) return { problem: "tool-call arguments are too long" };
  if (!value.trim()) return { value: {} };
  try {
    const parsed: unknown = JSON.parse(value);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return { value: parsed as Record<string, unknown> };
  } catch {
    // a half-written string from the model: reported below
  }
  return { problem: "tool-call arguments must be a JSON object" };
}

interface ReportTimingInput {
  startedAt?: string;
  endedAt?: string;
  durationSeconds?: number;
  durationMs?: number;
  endedReason?: string;
  call: { startedAt?: string; endedAt?: string; endedReason?: string };
}

/** Where a report's timing came from; `none` means the report says nothing about how long the call was. */
export type ReportTimingSource = "message" | "call" | "duration" | "none";

/**
 * A report as its consumers read it, whatever shape Vapi sent (docs/vapi.md). Existing fields keep
 * their names and now hold the resolved values:
 * - `transcript`: `artifact.transcript`, else the top-level `transcript`, else built from
 *   `artifact.messages` or the top-level `messages` (each entry's `message`, else `content`);
 * - `artifact.messages`: the artifact's, else the top-level `messages`;
 * - `startedAt` / `endedAt`: the message's, else `call.startedAt` / `call.endedAt`;
 * - `durationSeconds`: from `endedAt − startedAt`, else `durationSeconds` / `durationMs` when
 *   they are consistent with each other (within a second); undefined when nothing says.
 * - `endedReason`: the message's, else `call.endedReason`.
 * Added: `timingSource` (ReportTimingSource), so a report with no timing is never mistaken for 0 s.
 * These are the only timing fields a consumer reads: the raw `durationMs` is not a second opinion.
 */
function normaliseReport<T extends ReportTimingInput & { artifact?: { transcript?: string; messages?: Record<string, unknown>[] }; transcript?: string; messages?: Record<string, unknown>[] }>(
  report: T,
): T & { timingSource: ReportTimingSource } {
  const messages = report.artifact?.messages?.length ? report.artifact.messages : report.messages?.length ? report.messages : report.artifact?.messages;
  const transcript = report.artifact?.transcript || report.transcript || transcriptFrom(messages) || report.artifact?.transcript || report.transcript;
  const fromMessage = report.startedAt !== undefined && report.endedAt !== undefined;
  const startedAt = report.startedAt ?? report.call.startedAt;
  const endedAt = report.endedAt ?? report.call.endedAt;
  const started = Date.parse(startedAt ?? "");
  const ended = Date.parse(endedAt ?? "");
  let durationSeconds: number | undefined;
  let timingSource: ReportTimingSource = "none";
  if (Number.isFinite(started) && Number.isFinite(ended) && ended >= started) {
    durationSeconds = (ended - started) / 1000;
    timingSource = fromMessage ? "message" : "call";
  } else {
    const seconds = report.durationSeconds;
    const fromMs = report.durationMs === undefined ? undefined : report.durationMs / 1000;
    const consistent = seconds === undefined || fromMs === undefined || Math.abs(seconds - fromMs) <= 1;
    if (consistent && (seconds ?? fromMs) !== undefined) {
      durationSeconds = seconds ?? fromMs;
      timingSource = "duration";
    }
  }
  return {
    ...report,
    ...(report.artifact || messages ? { artifact: { ...report.artifact, messages } } : {}),
    transcript,
    startedAt,
    endedAt,
    durationSeconds,
    timingSource,
    endedReason: report.endedReason ?? report.call.endedReason,
  };
}

const SPEAKERS = new Map([
  ["assistant", "AI"],
  ["bot", "AI"],
  ["user", "User"],
]);

/** "AI: …\nUser: …" as Vapi writes `artifact.transcript`; system prompts and tool traffic left out. */
function transcriptFrom(messages: Record<string, unknown>[] | undefined): string | undefined {
  const lines: string[] = [];
  for (const entry of messages ?? []) {
    const role = ownField(entry, "role");
    const speaker = typeof role === "string" ? SPEAKERS.get(role) : undefined;
    const said = ownField(entry, "message") ?? ownField(entry, "content");
    if (speaker && typeof said === "string" && said.trim()) lines.push(`${speaker}: ${said.trim()}`);
  }
  return lines.length ? lines.join("\n") : undefined;
}
