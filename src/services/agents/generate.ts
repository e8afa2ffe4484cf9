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
import { type BusinessHours, DAYS, type Day, normalizeBusinessHours } from "../assistant/business-hours";
import { enforce } from "../rate-limit";
import { CATALOG_LIMITS } from "./booking-catalog";
import { LIMITS } from "./limits";
import { type BusinessFacts, FAQ_RESPONSE_FORMAT, type GenerateKind, generationMessages, HOURS_RESPONSE_FORMAT, MAX_TOKENS, SERVICES_RESPONSE_FORMAT } from "./prompts";

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

export type Generated =
  | { faq: { question: string; answer: string }[] }
  | { text: string }
  | { hours: BusinessHours }
  | { services: { name: string; minutes: number; priceCents?: number }[] };

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
  if (kind === "hours") {
    const content = await writer.chat({ messages, responseFormat: HOURS_RESPONSE_FORMAT, temperature: 0, maxTokens: MAX_TOKENS.hours }, options);
    return { hours: parseHours(content) };
  }
  if (kind === "services") {
    const content = await writer.chat({ messages, responseFormat: SERVICES_RESPONSE_FORMAT, temperature: 0.2, maxTokens: MAX_TOKENS.services }, options);
    return { services: parseServices(content) };
  }
  if (kind === "faq") {
    const content = await writer.chat({ messages, responseFormat: FAQ_RESPONSE_FORMAT, temperature: 0.4, maxTokens: MAX_TOKENS.faq }, options);
    return { faq: parseFaq(content) };
  }
  const content = await writer.chat({ messages, temperature: 0.6, maxTokens: MAX_TOKENS[kind] }, options);
  return { text: cleanText(content, kind === "greeting" ? LIMITS.greeting : LIMITS.text) };
}

function parseJson(content: string): unknown {
  try {
    // Some models wrap JSON in a code fence even in JSON mode.
    return JSON.parse(content.trim().replace(/^```(?:json)?\s*|\s*```$/g, ""));
  } catch {
    throw unusable("it was not valid JSON");
  }
}

const TIME = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** The model's hours, checked as the agent's businessHours are: real times, each range forward, a day's ranges apart. */
export function parseHours(content: string): BusinessHours {
  const range = z.object({ start: z.string().regex(TIME), end: z.string().regex(TIME) }).refine((r) => r.start < r.end && r.start !== "24:00", { message: "a range that ends before it starts" });
  const schema = z.object({ hours: z.object(Object.fromEntries(DAYS.map((day) => [day, z.array(range).max(LIMITS.rangesPerDay)])) as Record<Day, z.ZodArray<typeof range>>) });
  const parsed = schema.safeParse(parseJson(content));
  if (!parsed.success) throw unusable(parsed.error.issues[0]?.message ?? "it did not match the hours format");
  const hours = normalizeBusinessHours(parsed.data.hours);
  for (const day of DAYS) {
    const ranges = hours[day];
    for (let i = 1; i < ranges.length; i += 1) if ((ranges[i]?.start ?? "") < (ranges[i - 1]?.end ?? "")) throw unusable(`${day} has overlapping ranges`);
  }
  return hours;
}

/** The model's services, within the catalogue's limits; names de-duplicated, a missing price left out. */
export function parseServices(content: string): { name: string; minutes: number; priceCents?: number }[] {
  const { serviceMinutes } = CATALOG_LIMITS;
  const schema = z.object({
    services: z
      .array(
        z.object({
          name: z.string().trim().min(1).max(CATALOG_LIMITS.name),
          minutes: z.number().int().min(serviceMinutes.min).max(serviceMinutes.max),
          priceCents: z.number().int().min(0).max(CATALOG_LIMITS.priceCents).nullable(),
        }),
      )
      .min(1, { message: "no services" })
      .max(CATALOG_LIMITS.services),
  });
  const parsed = schema.safeParse(parseJson(content));
  if (!parsed.success) throw unusable(parsed.error.issues[0]?.message ?? "it did not match the services format");
  const seen = new Set<string>();
  return parsed.data.services.flatMap((service) => {
    const key = service.name.toLocaleLowerCase();
    if (seen.has(key) || /[\p{Cc}]/u.test(service.name)) return [];
    seen.add(key);
    return [{ name: service.name, minutes: service.minutes, ...(service.priceCents !== null ? { priceCents: service.priceCents } : {}) }];
  });
}

export function parseFaq(content: string): { question: string; answer: string }[] {
  const data = parseJson(content);
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
