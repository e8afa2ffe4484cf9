/**
 * A stand-in for OpenRouter's chat-completions API (POST /chat/completions, OpenAI format).
 * It writes plausible text from the business description it is given, honours
 * `response_format: {type: "json_schema"}` (an FAQ when the schema asks for `faq`, else an
 * object filled from the schema), needs a bearer key, and answers errors as OpenRouter does:
 * `{error: {code, message}}` with the HTTP status.
 */
import { randomBytes } from "node:crypto";
import { startStandIn } from "./kit.mjs";

/** The key the sandbox worker uses; any other key gets OpenRouter's 401. */
export const OPENROUTER_SANDBOX_API_KEY = "sk-or-v1-sandbox";

const ROLES = ["system", "user", "assistant", "tool", "developer"];

/** @param {{ port?: number }} [options] */
export async function startOpenRouterStandIn({ port = 0 } = {}) {
  return startStandIn({
    name: "openrouter",
    port,
    routes: [{ method: "POST", path: "/chat/completions", handle: complete }],
  });
}

function error(status, message) {
  return { status, json: { error: { code: status, message } } };
}

function complete(req) {
  if ((req.headers.authorization ?? "") !== `Bearer ${OPENROUTER_SANDBOX_API_KEY}`) return error(401, "No auth credentials found");
  const body = req.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return error(400, "Request body must be a JSON object");
  if (typeof body.model !== "string" || !body.model) return error(400, "model: Required");
  if (!Array.isArray(body.messages) || body.messages.length === 0) return error(400, "messages: Required, and must not be empty");
  for (const [index, message] of body.messages.entries()) {
    if (!message || !ROLES.includes(message.role)) return error(400, `messages[${index}].role: Invalid enum value`);
    if (typeof message.content !== "string") return error(400, `messages[${index}].content: Expected string`);
  }
  const format = body.response_format;
  if (format !== undefined && !["text", "json_object", "json_schema"].includes(format?.type)) return error(400, "response_format.type: Invalid enum value");
  if (format?.type === "json_schema" && (typeof format.json_schema?.name !== "string" || typeof format.json_schema?.schema !== "object")) {
    return error(400, "response_format.json_schema: name and schema are required");
  }

  const instructions = body.messages.filter((m) => m.role === "system" || m.role === "developer").map((m) => m.content).join("\n");
  const input = readInput([...body.messages].reverse().find((m) => m.role === "user")?.content ?? "");
  let content;
  if (format?.type === "json_schema") content = JSON.stringify(fillSchema(format.json_schema.schema, input));
  else if (/greeting/i.test(instructions)) content = greeting(input);
  else if (/polic/i.test(instructions)) content = policies(input);
  else content = `Here is what I can tell you about ${input.name}: ${input.sentences[0] ?? "a local business"}.`;

  const promptTokens = Math.ceil(body.messages.reduce((sum, m) => sum + m.content.length, 0) / 4);
  const completionTokens = Math.ceil(content.length / 4);
  return {
    json: {
      id: `gen-${Date.now()}-${randomBytes(8).toString("hex")}`,
      provider: "OpenAI",
      model: body.model,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      choices: [
        {
          logprobs: null,
          finish_reason: "stop",
          native_finish_reason: "stop",
          index: 0,
          message: { role: "assistant", content, refusal: null, reasoning: null },
        },
      ],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    },
  };
}

/** The user message carries the business as JSON data ({businessDescription, agentName, tone}); plain text works too. */
function readInput(text) {
  let data = {};
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object") data = parsed;
  } catch {
    data = { businessDescription: text };
  }
  const description = String(data.businessDescription ?? data.description ?? text).trim();
  const sentences = description.split(/(?<=[.!?])\s+/).map((s) => s.trim()).filter(Boolean);
  const name = String(data.agentName ?? "").trim() || guessName(description);
  return { description, sentences, name, tone: String(data.tone ?? "friendly") };
}

function guessName(description) {
  const match = /^([A-Z][\w'&-]*(?:\s+[A-Z][\w'&-]*){0,3})/.exec(description);
  return match?.[1] ?? "our business";
}

const TOPICS = [
  { test: /\b(open|hours|am\b|pm\b|monday|weekend|saturday|sunday)/i, question: "What are your opening hours?" },
  { test: /\b(located|address|street|avenue|downtown|near|next to)/i, question: "Where are you located?" },
  { test: /\bpark/i, question: "Is there parking?" },
  { test: /(\$|\bprice|\bcost|\bfee|\brates?\b)/i, question: "How much do your services cost?" },
  { test: /\b(walk-?ins?|appointment|book)/i, question: "Do I need an appointment?" },
  { test: /\binsurance/i, question: "Do you accept insurance?" },
  { test: /\b(offer|speciali[sz]e|provide|services?)\b/i, question: "What services do you offer?" },
];

const GENERIC = [
  ["How do I book an appointment?", "You can book right here on the phone: tell me the day and time that suits you and I will check what is free."],
  ["Can I cancel or reschedule?", "Yes. Please let us know at least 24 hours ahead so we can offer the time to someone else."],
  ["Which payment methods do you accept?", "We accept cash and all major credit and debit cards."],
  ["Can I speak to a person?", "Of course. During business hours I can put you through; otherwise I can take a message and have someone call you back."],
  ["Do you have gift cards?", "Yes, gift cards are available. Ask us at your next visit or leave a message and we will call you back."],
  ["Is your location accessible?", "Yes, our location is step-free and accessible."],
];

function faq(input) {
  const pairs = [];
  const seen = new Set();
  for (const sentence of input.sentences) {
    const topic = TOPICS.find((t) => t.test.test(sentence) && !seen.has(t.question));
    if (!topic) continue;
    seen.add(topic.question);
    pairs.push({ question: topic.question, answer: sentence });
  }
  const first = input.sentences[0];
  if (first && !seen.has("What services do you offer?") && !pairs.some((p) => p.answer === first)) {
    pairs.unshift({ question: `What is ${input.name}?`, answer: first });
  }
  for (const [question, answer] of GENERIC) {
    if (pairs.length >= 8) break;
    if (!pairs.some((p) => p.question === question)) pairs.push({ question, answer });
  }
  return pairs.slice(0, 12);
}

function greeting(input) {
  const opener = /professional|formal/i.test(input.tone) ? "Good day, thank you for calling" : "Hi, thanks for calling";
  return `${opener} ${input.name}! How can I help you today?`;
}

function policies(input) {
  return [
    `Cancellations: please cancel or reschedule at least 24 hours in advance; late cancellations at ${input.name} may be charged.`,
    "Late arrivals: if you are more than 15 minutes late we may need to shorten or move your appointment.",
    "Payment: payment is due at the time of service; we accept cash and major cards.",
    "Privacy: we only use your contact details to manage your appointments.",
  ].join("\n");
}

/** An object for any JSON schema: FAQ pairs where asked for, placeholders elsewhere. */
function fillSchema(schema, input, key = "") {
  if (!schema || typeof schema !== "object") return null;
  switch (schema.type) {
    case "object": {
      const out = {};
      for (const [name, child] of Object.entries(schema.properties ?? {})) out[name] = fillSchema(child, input, name);
      return out;
    }
    case "array":
      if (/faq|questions/i.test(key)) return faq(input);
      return [fillSchema(schema.items, input, key)];
    case "string":
      if (/greeting/i.test(key)) return greeting(input);
      if (/polic/i.test(key)) return policies(input);
      return Array.isArray(schema.enum) ? schema.enum[0] : `${key || "text"} for ${input.name}`;
    case "number":
    case "integer":
      return 1;
    case "boolean":
      return true;
    default:
      return null;
  }
}

/** The registry entry (dev/stand-ins/index.mjs). */
export const openRouterStandIn = {
  name: "openrouter",
  overrideVariable: "OPENROUTER_BASE_URL",
  realKeyVariable: "OPENROUTER_API_KEY",
  start: () => startOpenRouterStandIn(),
  /** @param {{ url: string }} running */
  bindings: (running) => ({ OPENROUTER_BASE_URL: running.url, OPENROUTER_API_KEY: OPENROUTER_SANDBOX_API_KEY }),
};
