/// <reference types="vite/client" />
/**
 * Vapi's own payloads (test/fixtures/vendor/vapi/, see test/fixtures/vendor/README.md), each
 * signed and sent through the webhook as Vapi would: every one is understood (no 4xx, no error
 * logged), a tool call gets a result per toolCallId in call order with its arguments read, and a
 * report's conversation ends up as the call's transcript. A file without its source note fails.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { calls } from "../../../src/db/schema";
import { parseVapiMessage } from "../../../src/integrations/vapi/messages";
import { db } from "../../support/db";
import { createLine, deliver, type Line, vapiMessage } from "../../support/vapi-webhook";

interface CorpusFile {
  source: { from: string[]; read: string; adapted: string };
  // biome-ignore lint: vendor JSON is free-form
  body: { message: Record<string, any> };
}

const files = import.meta.glob<CorpusFile>("../../fixtures/vendor/vapi/*.json", { eager: true, import: "default" });
const corpus = Object.entries(files).map(([path, file]) => ({ name: path.split("/").pop() ?? path, file }));

/** The placeholders of test/fixtures/vapi/ (vapi-webhook.ts), pointed at a test's own line. */
function pointedAt(file: CorpusFile, line: Line) {
  const text = JSON.stringify(file.body)
    .replaceAll("0b1e6a8e-6a59-4d1c-9b7a-7b5e2f1c0a01", line.vapiCallId)
    .replaceAll("PHONE_NUMBER_ID", line.vapiPhoneNumberId)
    .replaceAll("ASSISTANT_ID", line.vapiAssistantId);
  return JSON.parse(text) as CorpusFile["body"];
}

/** The ids a message asks us to answer, in order: toolCallList's, else toolWithToolCallList's. */
function toolCallIds(message: CorpusFile["body"]["message"]): string[] {
  const list = message.toolCallList?.length ? message.toolCallList : (message.toolWithToolCallList ?? []).map((entry: { toolCall: unknown }) => entry.toolCall);
  return list.map((call: { id: string }) => call.id);
}

/** What the date tool says when it could not find its date: a sign the arguments were dropped. */
const ARGUMENTS_DROPPED = /I need the day as a date|I need the exact start time/;

describe("vendor corpus: Vapi", () => {
  it("has payloads of every kind we were asked to keep", () => {
    const types = new Set(corpus.map(({ file }) => file.body.message.type));
    for (const type of ["assistant-request", "tool-calls", "status-update", "transcript", 'transcript[transcriptType="final"]', "end-of-call-report", "hang"]) {
      expect(types, type).toContain(type);
    }
  });

  it("names the source of every payload: where it is from, when it was read, what was adapted", () => {
    expect(corpus.length).toBeGreaterThan(10);
    for (const { name, file } of corpus) {
      expect(Array.isArray(file.source?.from) && file.source.from.length > 0, `${name}: source.from`).toBe(true);
      for (const from of file.source.from) expect(from, `${name}: source.from names an SDK type, a docs page or VAPI.md`).toMatch(/SDK type|docs VapiAI\/docs@[0-9a-f]{40} fern\/|shared\/VAPI\.md|OpenAPI|issue \d+/);
      expect(file.source.read, `${name}: source.read`).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(typeof file.source.adapted, `${name}: source.adapted`).toBe("string");
      expect(file.body?.message && typeof file.body.message.type, `${name}: body.message.type`).toBe("string");
    }
  });

  for (const { name, file } of corpus) {
    it(`${name}: understood (no 4xx), as its type needs`, async () => {
      const { line } = await createLine({ credits: 50 });
      // Each call starts as Vapi starts it, so later messages find the call we opened.
      expect((await deliver(vapiMessage("assistant-request", line))).status).toBe(200);
      const body = pointedAt(file, line);
      const { status, body: answer } = await deliver<Record<string, unknown>>(body);
      expect(status, JSON.stringify(answer)).toBe(200);
      const type = body.message.type;
      const parsed = parseVapiMessage(body);
      if (type === "tool-calls") {
        const results = answer.results as { toolCallId: string; result?: string; error?: string }[];
        expect(results.map((result) => result.toolCallId)).toEqual(toolCallIds(body.message));
        for (const result of results) {
          const said = result.result ?? result.error ?? "";
          expect(said, result.toolCallId).not.toMatch(ARGUMENTS_DROPPED);
          // Only the file about a half-written call may have an unreadable one.
          if (!name.includes("half-written")) expect(result.error, result.toolCallId).toBeUndefined();
        }
      } else if (type === "end-of-call-report") {
        expect(parsed.kind).toBe("message");
        // Every report names the call we opened, if only by its id: it is stored and settled.
        expect(answer.outcome, name).toBe("stored");
        const [row] = await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId));
        expect(row?.status, name).toBe("ended");
        const message = body.message;
        const hasConversation = Boolean(message.artifact?.transcript || message.transcript || message.artifact?.messages?.length || message.messages?.length);
        if (hasConversation) expect(row?.transcript, "the report's conversation is the call's transcript").toBeTruthy();
      } else if (parsed.kind === "ignored") {
        expect(answer).toEqual({ received: true, ignored: type });
      } else {
        expect(parsed.kind).toBe("message");
      }
    });
  }

  it("a half-written arguments string is an error for that call only; the other call is answered", async () => {
    const file = corpus.find(({ name }) => name === "tool-calls.half-written-arguments.json")?.file;
    if (!file) throw new Error("the corpus lost tool-calls.half-written-arguments.json");
    const { line } = await createLine({ credits: 50 });
    const { status, body } = await deliver<{ results: { toolCallId: string; result?: string; error?: string }[] }>(pointedAt(file, line));
    expect(status).toBe(200);
    expect(body.results.map((result) => [result.toolCallId, "error" in result ? "error" : "result"])).toEqual([
      ["call_ok_1", "result"],
      ["call_bad_2", "error"],
    ]);
  });

  it("21 tool calls in one message: 20 answered, the 21st an error for its id, in call order, 200", async () => {
    const file = corpus.find(({ name }) => name === "tool-calls.sdk-string-arguments.json")?.file;
    if (!file) throw new Error("the corpus lost tool-calls.sdk-string-arguments.json");
    const { line } = await createLine({ credits: 50 });
    await deliver(vapiMessage("assistant-request", line));
    const body = pointedAt(file, line);
    const one = body.message.toolCallList[0];
    const ids = Array.from({ length: 21 }, (_, i) => `call_many_${i}`);
    body.message.toolCallList = ids.map((id) => ({ ...one, id }));
    body.message.toolWithToolCallList = [];
    const { status, body: answer } = await deliver<{ results: { toolCallId: string; error?: string }[] }>(body);
    expect(status).toBe(200);
    expect(answer.results.map((result) => result.toolCallId)).toEqual(ids);
    expect(answer.results.map((result) => "error" in result)).toEqual([...Array(20).fill(false), true]);
  });

  it("a tool's JSON schema next to empty arguments is never read as the arguments", () => {
    const schema = { type: "object", properties: { date: { type: "string" } }, required: ["date"] };
    for (const empty of ["{}", "", {}, null]) {
      const parsed = parseVapiMessage({
        message: {
          type: "tool-calls",
          call: { id: "call-1" },
          toolCallList: [{ id: "t1", type: "function", function: { name: "check_availability", arguments: empty }, parameters: schema }],
          toolWithToolCallList: [{ type: "function", function: { name: "check_availability", parameters: schema }, toolCall: { id: "t1", function: { name: "check_availability", parameters: schema } } }],
        },
      });
      if (parsed.kind !== "message" || parsed.message.type !== "tool-calls") throw new Error(JSON.stringify(parsed));
      expect(parsed.message.toolCallList, JSON.stringify(empty)).toEqual([{ id: "t1", name: "check_availability", arguments: {} }]);
    }
  });

  it("a report with its conversation only at the top level (`content` entries) stores it as the transcript", async () => {
    const file = corpus.find(({ name }) => name === "end-of-call-report.top-level-messages.json")?.file;
    if (!file) throw new Error("the corpus lost end-of-call-report.top-level-messages.json");
    const { line } = await createLine({ credits: 50 });
    await deliver(vapiMessage("assistant-request", line));
    expect((await deliver(pointedAt(file, line))).status).toBe(200);
    const [row] = await db.select().from(calls).where(eq(calls.vapiCallId, line.vapiCallId));
    expect(row?.transcript).toBe("AI: This call may be recorded. Is that all right?\nUser: Yes, that's fine.");
    expect(row?.messages).toHaveLength(2);
    expect(row?.durationSeconds).toBe(600);
  });
});

describe("end-of-call-report timing, as parsed", () => {
  const report = (fields: Record<string, unknown>, call: Record<string, unknown> = {}) => {
    const parsed = parseVapiMessage({ message: { type: "end-of-call-report", call: { id: "call-1", ...call }, ...fields } });
    if (parsed.kind !== "message" || parsed.message.type !== "end-of-call-report") throw new Error(JSON.stringify(parsed));
    return parsed.message;
  };

  it("comes from the message, then from `call`, then from consistent duration fields, else says there is none", () => {
    expect(report({ startedAt: "2026-11-26T09:00:00Z", endedAt: "2026-11-26T09:01:30Z" }, { startedAt: "2026-11-26T08:00:00Z", endedAt: "2026-11-26T09:00:00Z" })).toMatchObject({
      durationSeconds: 90,
      timingSource: "message",
    });
    expect(report({}, { startedAt: "2026-11-26T09:00:00Z", endedAt: "2026-11-26T09:02:00Z" })).toMatchObject({
      // Times are read, then written back in one ISO form the database casts.
      startedAt: "2026-11-26T09:00:00.000Z",
      endedAt: "2026-11-26T09:02:00.000Z",
      durationSeconds: 120,
      timingSource: "call",
    });
    expect(report({ durationSeconds: 42, durationMs: 42_300 })).toMatchObject({ durationSeconds: 42, timingSource: "duration" });
    expect(report({ durationMs: 42_300 })).toMatchObject({ durationSeconds: 42.3, timingSource: "duration" });
    // Two duration fields that disagree say nothing we can trust.
    expect(report({ durationSeconds: 42, durationMs: 900_000 })).toMatchObject({ durationSeconds: undefined, timingSource: "none" });
    expect(report({})).toMatchObject({ durationSeconds: undefined, timingSource: "none" });
    // A time that cannot be read is absent, and the call's is used instead.
    expect(report({ startedAt: "not a time", endedAt: "soon" }, { startedAt: "2026-11-26T09:00:00Z", endedAt: "2026-11-26T09:00:30Z" })).toMatchObject({
      durationSeconds: 30,
      timingSource: "call",
    });
  });

  it("builds the transcript from artifact.messages or top-level messages, `message` or `content`, when no transcript is given", () => {
    expect(report({ artifact: { messages: [{ role: "system", message: "prompt" }, { role: "bot", message: "Hi" }, { role: "user", message: "Hello" }] } }).transcript).toBe("AI: Hi\nUser: Hello");
    expect(report({ messages: [{ role: "assistant", content: "Hi" }, { role: "user", content: "Hello" }] }).transcript).toBe("AI: Hi\nUser: Hello");
    expect(report({ transcript: "given", messages: [{ role: "user", content: "Hello" }] }).transcript).toBe("given");
    expect(report({ artifact: { transcript: "artifact's" }, transcript: "top" }).transcript).toBe("artifact's");
  });
});
