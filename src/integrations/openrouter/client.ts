/**
 * OpenRouter's chat-completions API (OpenAI format) over plain fetch: OpenRouter has no
 * official SDK in our stack, and one POST does not need one. Each attempt has a deadline;
 * a 5xx, a network failure or a timeout is tried once more; then the caller gets a clear 502
 * `upstream_error` or 504 `upstream_timeout`. A missing key is 503 `service_not_configured`.
 */
import { z } from "zod";
import type { Config } from "../../config/env";
import { AppError, requireSetting } from "../../errors";

export const OPENROUTER_TIMEOUT_MS = 15_000;
const ATTEMPTS = 2;

export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

/** A tool call the model asked for, in OpenAI's format (arguments as a JSON string). */
export interface ModelToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** The turns of a conversation with tools: the model's tool calls and our results of them. */
export type ToolChatMessage =
  | ChatMessage
  | { role: "assistant"; content: string | null; tool_calls: ModelToolCall[] }
  | { role: "tool"; tool_call_id: string; content: string };

export interface FunctionToolSpec {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export interface JsonSchemaFormat {
  type: "json_schema";
  json_schema: { name: string; strict: boolean; schema: Record<string, unknown> };
}

export interface ChatRequest {
  messages: ToolChatMessage[];
  /** Function tools the model may call (OpenAI's `tools`); its answer may then be tool calls instead of text. */
  tools?: FunctionToolSpec[];
  responseFormat?: JsonSchemaFormat;
  temperature?: number;
  maxTokens?: number;
}

export interface ChatOptions {
  /** Per-attempt deadline; tests shorten it. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type OpenRouterConfig = Pick<Config, "OPENROUTER_API_KEY" | "OPENROUTER_BASE_URL" | "OPENROUTER_MODEL" | "APP_URL">;

// Built on first use (z.lazy), not at startup: docs/decisions/0900.
/** The part of OpenRouter's answer we read; `error` can arrive even with HTTP 200. */
const completionSchema = z.lazy(() => z.object({
  choices: z
    .array(
      z.object({
        message: z
          .object({
            content: z.string().nullable().optional(),
            tool_calls: z.array(z.object({ id: z.string(), type: z.literal("function"), function: z.object({ name: z.string(), arguments: z.string() }) })).nullable().optional(),
          })
          .optional(),
        finish_reason: z.string().nullable().optional(),
      }),
    )
    .optional(),
  error: z.object({ code: z.union([z.number(), z.string()]).optional(), message: z.string().optional() }).optional(),
}));

type Attempt = { ok: true; content: string; toolCalls: ModelToolCall[] } | { ok: false; retry: boolean; error: AppError };

export function requireOpenRouter(config: OpenRouterConfig): void {
  requireSetting(config.OPENROUTER_API_KEY, "OPENROUTER_API_KEY", "AI writing");
}

/** The AI writer as the composition root hands it out: one chat completion at a time. */
export interface OpenRouterClient {
  chat(request: ChatRequest, options?: ChatOptions): Promise<string>;
  /** One turn with tools (POST /api/try). */
  turn(request: ChatRequest, options?: ChatOptions): Promise<{ content: string; toolCalls: ModelToolCall[] }>;
}

/** A client for `config`; 503 `service_not_configured` without OPENROUTER_API_KEY. */
export function createOpenRouterClient(config: OpenRouterConfig): OpenRouterClient {
  requireOpenRouter(config);
  return { chat: (request, options) => chatCompletion(config, request, options), turn: (request, options) => chatTurn(config, request, options) };
}

/** The assistant message's text. */
export async function chatCompletion(config: OpenRouterConfig, request: ChatRequest, options: ChatOptions = {}): Promise<string> {
  return (await chatTurn(config, request, options)).content;
}

/** One turn of a conversation with tools: the model's text, or the tool calls it wants answered first. */
export async function chatTurn(config: OpenRouterConfig, request: ChatRequest, options: ChatOptions = {}): Promise<{ content: string; toolCalls: ModelToolCall[] }> {
  requireOpenRouter(config);
  let last: Attempt | undefined;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    last = await attemptOnce(config, request, options);
    if (last.ok) return { content: last.content, toolCalls: last.toolCalls };
    if (!last.retry) break;
  }
  throw (last as Extract<Attempt, { ok: false }>).error;
}

async function attemptOnce(config: OpenRouterConfig, request: ChatRequest, options: ChatOptions): Promise<Attempt> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? OPENROUTER_TIMEOUT_MS;
  let response: Response;
  let body: unknown;
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    response = await doFetch(`${config.OPENROUTER_BASE_URL.replace(/\/+$/, "")}/chat/completions`, {
      method: "POST",
      signal,
      headers: {
        authorization: `Bearer ${config.OPENROUTER_API_KEY}`,
        "content-type": "application/json",
        // OpenRouter's optional app attribution headers.
        "http-referer": config.APP_URL,
        "x-title": "Agentline",
      },
      body: JSON.stringify({
        model: config.OPENROUTER_MODEL,
        messages: request.messages,
        ...(request.responseFormat ? { response_format: request.responseFormat } : {}),
        ...(request.tools?.length ? { tools: request.tools } : {}),
        ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        ...(request.maxTokens !== undefined ? { max_tokens: request.maxTokens } : {}),
      }),
    });
    // Read inside the deadline: a body that stalls is a timeout too.
    body = parseJson(await response.text());
  } catch (error) {
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return { ok: false, retry: true, error: new AppError("upstream_timeout", `The AI writer did not answer within ${Math.round(timeoutMs / 1000)} seconds. Please try again.`) };
    }
    return { ok: false, retry: true, error: new AppError("upstream_error", "Could not reach the AI writer. Please try again.") };
  }
  const parsed = completionSchema.safeParse(body);
  const vendorError = parsed.success ? parsed.data.error : undefined;
  const status = vendorError && response.ok ? Number(vendorError.code) || 502 : response.status;
  if (status >= 400 || vendorError) {
    const reason = vendorError?.message ?? `HTTP ${status}`;
    return {
      ok: false,
      retry: status >= 500,
      error: new AppError("upstream_error", `The AI writer failed: ${reason.slice(0, 300)}`, { provider: "openrouter", status }),
    };
  }
  const content = parsed.success ? parsed.data.choices?.[0]?.message?.content : undefined;
  const toolCalls = (parsed.success ? parsed.data.choices?.[0]?.message?.tool_calls : undefined) ?? [];
  // An answer cut off at max_tokens reads as whole text (or broken JSON): never use half of one.
  if (parsed.success && parsed.data.choices?.[0]?.finish_reason === "length") {
    return { ok: false, retry: false, error: new AppError("upstream_error", "The AI writer's answer was cut off before it finished. Please try again.", { provider: "openrouter" }) };
  }
  if (toolCalls.length) return { ok: true, content: content ?? "", toolCalls };
  if (typeof content !== "string" || !content.trim()) {
    return { ok: false, retry: false, error: new AppError("upstream_error", "The AI writer sent an empty answer. Please try again.", { provider: "openrouter" }) };
  }
  return { ok: true, content, toolCalls: [] };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
