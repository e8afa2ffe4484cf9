/**
 * The OpenRouter stand-in answers what the real API would, and its JSON answers follow the
 * schema we send: so a change in our schema or our parsing is caught here, not in production.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { chatCompletion, type JsonSchemaFormat } from "../../../src/integrations/openrouter/client";
import { parseFaq } from "../../../src/services/agents/generate";
import { FAQ_RESPONSE_FORMAT } from "../../../src/services/agents/prompts";
import { testEnv } from "../../support/env";
import { standInUrl } from "../../support/stand-ins";

const config = loadConfig(testEnv);
const business = JSON.stringify({ businessDescription: "Corner Bikes repairs bicycles in Leeds. Open Monday to Saturday, 9am to 6pm. Parking behind the shop." });
const user = { role: "user" as const, content: business };

/** The parts of an answer (or refusal) these tests read. */
interface CompletionAnswer {
  choices: { finish_reason: string; native_finish_reason: string; message: { content: string } }[];
  usage: { completion_tokens: number };
  error: { code: number; message: string; metadata: { raw: string } };
}

/** POSTs a raw chat-completions body, for what our client never sends. */
async function rawCompletion(body: Record<string, unknown>) {
  const response = await fetch(`${standInUrl("openrouter")}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${String(testEnv.OPENROUTER_API_KEY)}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "openai/gpt-4o-mini", ...body }),
  });
  return { status: response.status, body: (await response.json()) as CompletionAnswer };
}

const schemaFormat = (schema: Record<string, unknown>, strict = true): JsonSchemaFormat => ({ type: "json_schema", json_schema: { name: "answer", strict, schema } });

describe("the OpenRouter stand-in: json_schema answers come from the schema", () => {
  it("our FAQ format gives an FAQ our parser takes", async () => {
    const content = await chatCompletion(config, { messages: [{ role: "system", content: "Write an FAQ." }, user], responseFormat: FAQ_RESPONSE_FORMAT });
    const faq = parseFaq(content);
    expect(faq.length).toBeGreaterThanOrEqual(5);
    expect(faq.some((pair) => /Monday to Saturday/.test(pair.answer))).toBe(true);
  });

  it("a renamed field in our schema is what comes back, so the parser must follow it", async () => {
    const renamed = structuredClone(FAQ_RESPONSE_FORMAT);
    const item = (renamed.json_schema.schema as { properties: { faq: { items: { properties: unknown; required: string[] } } } }).properties.faq.items;
    item.properties = { q: { type: "string" }, answer: { type: "string" } };
    item.required = ["q", "answer"];
    const content = await chatCompletion(config, { messages: [user], responseFormat: renamed });
    expect(JSON.parse(content).faq[0]).toEqual({ q: expect.any(String), answer: expect.any(String) });
    expect(() => parseFaq(content)).toThrow(/could not be used/);
  });

  it("honours minItems and maxItems, enum, const, maxLength, bounds, $ref and nullable fields", async () => {
    const schema = {
      type: "object",
      $defs: { pair: { type: "object", properties: { question: { type: "string", maxLength: 12 }, answer: { type: "string" } }, required: ["question", "answer"], additionalProperties: false } },
      properties: {
        faq: { type: "array", items: { $ref: "#/$defs/pair" }, minItems: 2, maxItems: 3 },
        single: { type: "array", items: { type: "string" }, minItems: 4 },
        tone: { type: "string", enum: ["warm", "formal"] },
        kind: { const: "faq" },
        count: { type: "integer", minimum: 5, maximum: 9 },
        note: { type: ["string", "null"] },
        extra: { anyOf: [{ type: "string" }, { type: "null" }] },
      },
      required: ["faq", "single", "tone", "kind", "count", "note", "extra"],
      additionalProperties: false,
    };
    const answer = JSON.parse(await chatCompletion(config, { messages: [user], responseFormat: schemaFormat(schema) }));
    expect(answer.faq).toHaveLength(3);
    expect(answer.faq.every((pair: { question: string }) => pair.question.length <= 12)).toBe(true);
    expect(answer.single).toHaveLength(4);
    expect(answer).toMatchObject({ tone: "warm", kind: "faq", count: 5, note: null, extra: null });
    expect(Object.keys(answer).sort()).toEqual(["count", "extra", "faq", "kind", "note", "single", "tone"]);
  });

  it("refuses a strict schema that breaks strict mode's rules, as the provider does", async () => {
    const open = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    const partial = { type: "object", properties: { a: { type: "string" }, b: { type: "string" } }, required: ["a"], additionalProperties: false };
    for (const [schema, rule] of [
      [open, "'additionalProperties' is required to be supplied and to be false"],
      [partial, "Missing 'b'"],
      [{ type: "array", items: { type: "string" } }, 'schema must be a JSON Schema of \'type: "object"\''],
    ] as const) {
      const { status, body } = await rawCompletion({ messages: [user], response_format: schemaFormat(schema) });
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: 400, message: "Provider returned error" });
      expect(JSON.parse(body.error.metadata.raw).error.message).toContain(rule);
    }
    // Without strict, the same open schema is taken.
    expect((await rawCompletion({ messages: [user], response_format: schemaFormat(open, false) })).status).toBe(200);
    await expect(chatCompletion(config, { messages: [user], responseFormat: schemaFormat(open) })).rejects.toMatchObject({ code: "upstream_error" });
  });
});

describe("the OpenRouter stand-in: requests the real API takes", () => {
  it("json_object answers a JSON object, and only when the messages ask for JSON", async () => {
    const asked = await rawCompletion({ messages: [{ role: "system", content: "Answer in JSON: an FAQ." }, user], response_format: { type: "json_object" } });
    expect(asked.status).toBe(200);
    const parsed = JSON.parse(asked.body.choices[0]?.message.content ?? "");
    expect(parsed.faq.length).toBeGreaterThan(0);
    const unasked = await rawCompletion({ messages: [user], response_format: { type: "json_object" } });
    expect(unasked.status).toBe(400);
    expect(JSON.parse(unasked.body.error.metadata.raw).error.message).toContain("must contain the word 'json'");
  });

  it("takes content as an array of parts, and null", async () => {
    const { status, body } = await rawCompletion({
      messages: [
        { role: "system", content: [{ type: "text", text: "Write a greeting." }] },
        { role: "assistant", content: null },
        { role: "user", content: [{ type: "text", text: business }, { type: "image_url", image_url: { url: "https://example.test/shop.png" } }] },
      ],
    });
    expect(status).toBe(200);
    expect(body.choices[0]?.message.content).toContain("Corner Bikes");
    const bad = await rawCompletion({ messages: [{ role: "user", content: [{ type: "sound", data: "x" }] }] });
    expect(bad.status).toBe(400);
  });

  it("max_tokens cuts the answer off with finish_reason length", async () => {
    const { body } = await rawCompletion({ messages: [{ role: "system", content: "Write a greeting." }, user], max_tokens: 3 });
    expect(body.choices[0]).toMatchObject({ finish_reason: "length", native_finish_reason: "max_tokens" });
    expect(body.choices[0]?.message.content.length).toBeLessThanOrEqual(12);
    expect(body.usage.completion_tokens).toBeLessThanOrEqual(3);
    const whole = await rawCompletion({ messages: [{ role: "system", content: "Write a greeting." }, user], max_tokens: 500 });
    expect(whole.body.choices[0]?.finish_reason).toBe("stop");
  });

  it("our client refuses an answer cut off at max_tokens instead of using half of it", async () => {
    const messages = [{ role: "system" as const, content: "Write a greeting." }, user];
    await expect(chatCompletion(config, { messages, maxTokens: 3 })).rejects.toMatchObject({ code: "upstream_error", message: expect.stringContaining("cut off") });
    expect(await chatCompletion(config, { messages, maxTokens: 500 })).toContain("Corner Bikes");
  });
});
