/**
 * AI-written greeting, FAQ and policies (POST /api/generate). The model's answer is checked
 * like any untrusted input: the FAQ must parse as JSON and hold 5–15 question/answer pairs
 * within the agent's limits; texts must fit the agent's fields. Anything else is a clear 502.
 */
import { z } from "zod";
import type { Config } from "../../config/env";
import type { Database } from "../../db/client";
import { AppError } from "../../errors";
import { type ChatOptions, type chatCompletion, createOpenRouterClient, type OpenRouterClient } from "../../integrations/openrouter/client";
import { enforce } from "../rate-limit";
import { LIMITS } from "./limits";
import { type BusinessFacts, FAQ_RESPONSE_FORMAT, type GenerateKind, generationMessages, MAX_TOKENS } from "./prompts";

export const FAQ_MIN = 5;
export const FAQ_MAX = 15;

const faqAnswerSchema = z.object({
  faq: z
    .array(
      z.object({
        question: z.string().trim().min(1).max(LIMITS.question),
        answer: z.string().trim().min(1).max(LIMITS.answer),
      }),
    )
    .min(FAQ_MIN, { message: `fewer than ${FAQ_MIN} pairs` })
    .max(FAQ_MAX, { message: `more than ${FAQ_MAX} pairs` }),
});

export type Generated = { faq: { question: string; answer: string }[] } | { text: string };

type GenerateConfig = Parameters<typeof chatCompletion>[0] & Pick<Config, "OPENROUTER_MODEL">;

/** Per account: enough to iterate on a few agents, not enough to run up the model bill. */
export const GENERATE_LIMIT = { limit: 30, windowSeconds: 3600 } as const;

/**
 * One request of a user: 503 `service_not_configured` without a model to ask (checked before the
 * request is counted), then the per-account limit, then the model.
 */
export async function generateForUser(deps: { db: Database; openrouter: () => OpenRouterClient }, businessId: string, kind: GenerateKind, facts: BusinessFacts): Promise<Generated> {
  const writer = deps.openrouter();
  await enforce(deps.db, { key: `generate:user:${businessId}`, ...GENERATE_LIMIT });
  return generateWith(writer, kind, facts);
}

/** The same with a writer made for `config` (the stand-in's and the model's own tests). */
export async function generate(config: GenerateConfig, kind: GenerateKind, facts: BusinessFacts, options: ChatOptions = {}): Promise<Generated> {
  return generateWith(createOpenRouterClient(config), kind, facts, options);
}

async function generateWith(writer: OpenRouterClient, kind: GenerateKind, facts: BusinessFacts, options: ChatOptions = {}): Promise<Generated> {
  const messages = generationMessages(kind, facts);
  if (kind === "faq") {
    const content = await writer.chat({ messages, responseFormat: FAQ_RESPONSE_FORMAT, temperature: 0.4, maxTokens: MAX_TOKENS.faq }, options);
    return { faq: parseFaq(content) };
  }
  const content = await writer.chat({ messages, temperature: 0.6, maxTokens: MAX_TOKENS[kind] }, options);
  return { text: cleanText(content, kind === "greeting" ? LIMITS.greeting : LIMITS.text) };
}

export function parseFaq(content: string): { question: string; answer: string }[] {
  let data: unknown;
  try {
    // Some models wrap JSON in a code fence even in JSON mode.
    data = JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    throw unusable("it was not valid JSON");
  }
  const parsed = faqAnswerSchema.safeParse(data);
  if (!parsed.success) throw unusable(parsed.error.issues[0]?.message ?? "it did not match the FAQ format");
  return parsed.data.faq;
}

/** Trims, drops wrapping quotes and markdown emphasis; too long or empty is unusable. */
export function cleanText(content: string, max: number): string {
  const text = content
    .trim()
    .replace(/^["“'](.*)["”']$/s, "$1")
    .replace(/\*\*|__/g, "")
    .replace(/[ \t]+\n/g, "\n")
    .trim();
  if (!text) throw unusable("it was empty");
  if (text.length > max) throw unusable(`it was longer than ${max} characters`);
  return text;
}

function unusable(why: string) {
  return new AppError("upstream_error", `The AI writer's answer could not be used (${why}). Please try again.`, { provider: "openrouter" });
}
