/**
 * A stand-in for OpenRouter's chat-completions API (POST /chat/completions, OpenAI format).
 * It needs a bearer key, takes what the real API takes (content as a string, an array of
 * content parts, or null), and answers as it does:
 *   - `response_format: {type: "json_schema"}`: the schema is checked (strict mode's rules) and
 *     the answer generated FROM it (openrouter-json-schema.mjs);
 *   - `{type: "json_object"}`: a JSON object, and, as OpenAI, only when the messages say "JSON";
 *   - `website_draft` (the website import): FAQ, services and hours read from the pages' text
 *     (openrouter-website.mjs);
 *   - otherwise text written from the business description (openrouter-writer.mjs);
 *   - `max_tokens` cuts the answer off with `finish_reason: "length"`, as a model does.
 * Errors are `{error: {code, message, metadata?}}` with the HTTP status; a provider's refusal
 * comes as OpenRouter relays it ("Provider returned error", the provider's text in metadata.raw).
 */
import { randomBytes } from "node:crypto";
import { startStandIn } from "./kit.mjs";
import { answerFromSchema, schemaProblem } from "./openrouter-json-schema.mjs";
import { websiteDraft } from "./openrouter-website.mjs";
import { greeting, hours, policies, readInput, services } from "./openrouter-writer.mjs";

/** The key the sandbox worker uses; any other key gets OpenRouter's 401. */
export const OPENROUTER_SANDBOX_API_KEY = "sk-or-v1-sandbox";

const ROLES = ["system", "user", "assistant", "tool", "developer"];
/** About four characters make a token, near enough for English. */
const CHARS_PER_TOKEN = 4;

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

/** A refusal of the provider behind OpenRouter, relayed as OpenRouter relays it. */
function providerError(message, param) {
  const raw = JSON.stringify({ error: { message, type: "invalid_request_error", param, code: null } });
  return { status: 400, json: { error: { code: 400, message: "Provider returned error", metadata: { raw, provider_name: "OpenAI" } } } };
}

/** The text of a message's content: a string, content parts (`[{type: "text", text}, …]`) or null. @returns {string | { error: string }} */
function contentText(content, index) {
  if (content === null || content === undefined) return "";
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return { error: `messages[${index}].content: Expected string, array or null` };
  const texts = [];
  for (const [part, item] of content.entries()) {
    if (item?.type === "text" && typeof item.text === "string") texts.push(item.text);
    else if (item?.type === "image_url" && typeof item.image_url?.url === "string") continue;
    else if (item?.type === "input_audio" || item?.type === "file") continue;
    else return { error: `messages[${index}].content[${part}]: Invalid content part` };
  }
  return texts.join("\n");
}

function complete(req) {
  if ((req.headers.authorization ?? "") !== `Bearer ${OPENROUTER_SANDBOX_API_KEY}`) return error(401, "No auth credentials found");
  const body = req.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return error(400, "Request body must be a JSON object");
  if (typeof body.model !== "string" || !body.model) return error(400, "model: Required");
  if (!Array.isArray(body.messages) || body.messages.length === 0) return error(400, "messages: Required, and must not be empty");
  /** @type {{ role: string, text: string }[]} */
  const messages = [];
  for (const [index, message] of body.messages.entries()) {
    if (!message || !ROLES.includes(message.role)) return error(400, `messages[${index}].role: Invalid enum value`);
    const text = contentText(message.content, index);
    if (typeof text !== "string") return error(400, text.error);
    messages.push({ role: message.role, text });
  }
  if (body.max_tokens !== undefined && (!Number.isInteger(body.max_tokens) || body.max_tokens < 1)) return error(400, "max_tokens: Expected a positive integer");

  const format = body.response_format;
  if (format !== undefined && !["text", "json_object", "json_schema"].includes(format?.type)) return error(400, "response_format.type: Invalid enum value");
  const instructions = messages.filter((m) => m.role === "system" || m.role === "developer").map((m) => m.text).join("\n");
  const input = readInput([...messages].reverse().find((m) => m.role === "user")?.text ?? "");

  const tools = body.tools;
  if (tools !== undefined && (!Array.isArray(tools) || tools.some((tool) => tool?.type !== "function" || typeof tool.function?.name !== "string"))) {
    return error(400, "tools: Expected an array of {type: \"function\", function: {name, parameters}}");
  }
  const toolNames = new Set((tools ?? []).map((tool) => tool.function.name));
  /** @type {string | null} */
  let content;
  /** @type {{ id: string, type: string, function: { name: string, arguments: string } }[]} */
  let toolCalls = [];
  // A receptionist's conversation (POST /api/try): tools offered, a tool's result to say, or the receptionist's prompt.
  if (toolNames.size || body.messages.some((m) => m?.role === "tool") || /^You are .+, the AI phone receptionist of the business described below\./m.test(instructions)) {
    ({ content, toolCalls } = receptionistTurn(body.messages, messages, toolNames, instructions));
  } else if (format?.type === "json_schema") {
    const spec = format.json_schema;
    if (typeof spec?.name !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(spec.name)) return error(400, "response_format.json_schema.name: Required, letters, digits, _ and - only");
    const problem = schemaProblem(spec.name, spec.schema, spec.strict === true);
    if (problem) return providerError(problem, "response_format");
    // Hours and services are read from the description (the schema alone cannot say "09:00"); the schema was checked above.
    // A website import's draft is read from the pages' text the user message carries.
    const userText = [...messages].reverse().find((m) => m.role === "user")?.text ?? "";
    const written =
      spec.name === "hours" ? hours(input) : spec.name === "services" ? services(input) : spec.name === "website_draft" ? websiteDraft(userText) : answerFromSchema(spec.schema, input);
    content = JSON.stringify(written);
  } else if (format?.type === "json_object") {
    if (!messages.some((m) => /json/i.test(m.text))) {
      return providerError("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", "messages");
    }
    content = JSON.stringify(/faq|question/i.test(instructions) ? answerFromSchema(FAQ_SHAPE, input) : { text: prose(instructions, input) });
  } else {
    content = prose(instructions, input);
  }

  let finishReason = toolCalls.length ? "tool_calls" : "stop";
  content ??= "";
  if (!toolCalls.length && body.max_tokens !== undefined && Math.ceil(content.length / CHARS_PER_TOKEN) > body.max_tokens) {
    content = content.slice(0, body.max_tokens * CHARS_PER_TOKEN);
    finishReason = "length";
  }
  const promptTokens = Math.ceil(messages.reduce((sum, m) => sum + m.text.length, 0) / CHARS_PER_TOKEN);
  const completionTokens = Math.ceil(content.length / CHARS_PER_TOKEN);
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
          finish_reason: finishReason,
          native_finish_reason: finishReason === "length" ? "max_tokens" : finishReason,
          index: 0,
          message: { role: "assistant", content: toolCalls.length ? null : content, refusal: null, reasoning: null, ...(toolCalls.length ? { tool_calls: toolCalls } : {}) },
        },
      ],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    },
  };
}

/**
 * The receptionist's part in a typed test call (POST /api/try), played offline: after a tool's
 * result, say it; asked about free times, call check_availability for tomorrow; asked to book,
 * call book_appointment for tomorrow at 10:00 (the caller's name when they gave it); otherwise
 * answer from the FAQ in the system prompt, or offer to take a message.
 */
function receptionistTurn(raw, messages, toolNames, instructions) {
  const last = raw.at(-1);
  if (last?.role === "tool") return { content: String(last.content ?? ""), toolCalls: [] };
  const said = [...messages].reverse().find((m) => m.role === "user")?.text ?? "";
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const call = (name, args) => ({ content: null, toolCalls: [{ id: `call_${randomBytes(6).toString("hex")}`, type: "function", function: { name, arguments: JSON.stringify(args) } }] });
  if (/\bbook\b|appointment for|schedule me/i.test(said) && toolNames.has("book_appointment")) {
    const name = /[Mm]y name is ([A-Z][a-z]+(?: [A-Z][a-z]+)?)/.exec(said)?.[1] ?? "Sandbox Caller";
    const phone = /(\+?1?[\s.-]?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4})/.exec(said)?.[1]?.trim();
    return call("book_appointment", { start: `${tomorrow}T10:00:00-05:00`, name, ...(phone ? { phone } : {}) });
  }
  if (/availab|free|open (?:slot|time)|any time/i.test(said) && toolNames.has("check_availability")) return call("check_availability", { date: tomorrow });
  const faq = [...instructions.matchAll(/^Q: (.*)\nA: (.*)$/gm)].map((m) => ({ question: m[1], answer: m[2] }));
  const words = new Set(said.toLowerCase().match(/[a-z]{4,}/g) ?? []);
  const best = faq
    .map((pair) => ({ pair, score: (pair.question.toLowerCase().match(/[a-z]{4,}/g) ?? []).filter((word) => words.has(word)).length }))
    .sort((a, b) => b.score - a.score)[0];
  if (best && best.score > 0) return { content: best.pair.answer, toolCalls: [] };
  return { content: "I'm not sure about that one. I can take a message and have someone call you back.", toolCalls: [] };
}

/** The FAQ a json_object request about questions gets (no schema was given, so this shape). */
const FAQ_SHAPE = {
  type: "object",
  properties: { faq: { type: "array", items: { type: "object", properties: { question: { type: "string" }, answer: { type: "string" } } } } },
};

function prose(instructions, input) {
  if (/greeting/i.test(instructions)) return greeting(input);
  if (/polic/i.test(instructions)) return policies(input);
  return `Here is what I can tell you about ${input.name}: ${input.sentences[0] ?? "a local business"}.`;
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
