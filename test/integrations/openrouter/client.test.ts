import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/env";
import { chatCompletion } from "../../../src/integrations/openrouter/client";
import { generate } from "../../../src/services/agents/generate";
import { testEnv } from "../../support/env";
import { standIn } from "../../support/stand-ins";

const openrouter = standIn("openrouter");
const config = loadConfig(testEnv);
const messages = [
  { role: "system" as const, content: "Write a greeting." },
  { role: "user" as const, content: JSON.stringify({ businessDescription: "Corner Bikes repairs bicycles in Leeds." }) },
];

describe("chatCompletion deadlines", () => {
  it("gives up after a timeout and one retry that also times out: 504 upstream_timeout", async () => {
    const mark = await openrouter.mark();
    await openrouter.fault({ path: "/chat/completions", delayMs: 600, times: 2 });
    await expect(chatCompletion(config, { messages }, { timeoutMs: 100 })).rejects.toMatchObject({
      code: "upstream_timeout",
      status: 504,
    });
    expect(await openrouter.requests(mark)).toHaveLength(2);
  });

  it("answers when the retry after a timeout is on time", async () => {
    await openrouter.fault({ path: "/chat/completions", delayMs: 600, times: 1 });
    const text = await chatCompletion(config, { messages }, { timeoutMs: 300 });
    expect(text).toContain("Corner Bikes");
  });

  it("the FAQ generation surfaces a timeout as 504", async () => {
    await openrouter.fault({ path: "/chat/completions", delayMs: 600, times: 2 });
    await expect(generate(config, "faq", { businessDescription: "Corner Bikes repairs bicycles in Leeds." }, { timeoutMs: 100 })).rejects.toMatchObject({
      code: "upstream_timeout",
    });
  });

  it("an unreachable OpenRouter is 502 upstream_error after one retry", async () => {
    const unreachable = { ...config, OPENROUTER_BASE_URL: "http://127.0.0.1:9" };
    await expect(chatCompletion(unreachable, { messages })).rejects.toMatchObject({ code: "upstream_error", message: expect.stringContaining("Could not reach") });
  });

  it("a wrong key is OpenRouter's 401, passed on as 502 without retrying", async () => {
    const mark = await openrouter.mark();
    await expect(chatCompletion({ ...config, OPENROUTER_API_KEY: "sk-or-wrong" }, { messages })).rejects.toMatchObject({
      code: "upstream_error",
      message: expect.stringContaining("No auth credentials found"),
    });
    expect(await openrouter.requests(mark)).toHaveLength(1);
  });
});
