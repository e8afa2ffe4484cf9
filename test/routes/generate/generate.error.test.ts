import { describe, expect, it } from "vitest";
import { rateLimits } from "../../../src/db/schema";
import { GENERATE_LIMIT } from "../../../src/services/agents/generate";
import { expectConsoleError } from "../../support/console-trap";
import { db } from "../../support/db";
import { envWith } from "../../support/env";
import { createUser } from "../../support/factories";
import { call, errorOf } from "../../support/http";
import { modelSays } from "../../support/openrouter";
import { standIn } from "../../support/stand-ins";
import { openRouterError } from "../../support/vendor-errors";

const openrouter = standIn("openrouter");
const businessDescription = "Sunny Paws is a dog grooming salon in Portland, open every day from 8am to 4pm.";

function generate(cookie: string, json: Record<string, unknown>, env?: ReturnType<typeof envWith>) {
  return call("/api/generate", { method: "POST", cookie, json: { businessDescription, ...json }, env });
}

describe("a model answer we cannot use", () => {
  it("hours that overlap, run backwards or are not times, and services outside the limits, are a clear 502", async () => {
    expectConsoleError(/upstream_error/);
    const { cookie } = await createUser();
    const week = (tue: unknown) => JSON.stringify({ hours: { mon: [], tue, wed: [], thu: [], fri: [], sat: [], sun: [] } });
    for (const [kind, answer, why] of [
      ["hours", week([{ start: "09:00", end: "13:00" }, { start: "12:00", end: "17:00" }]), /tue has overlapping ranges/],
      ["hours", week([{ start: "17:00", end: "09:00" }]), /ends before it starts/],
      ["hours", week([{ start: "9am", end: "5pm" }]), /could not be used/],
      ["services", JSON.stringify({ services: [{ name: "Colour", minutes: 900, priceCents: null }] }), /could not be used/],
      ["services", JSON.stringify({ services: [] }), /no services/],
    ] as const) {
      await openrouter.fault(modelSays(answer));
      const response = await generate(cookie, { kind });
      expect(response.status).toBe(502);
      expect((await errorOf(response)).message).toMatch(why);
    }
  });

  it("an FAQ that is not JSON is a clear 502", async () => {
    expectConsoleError(/"code":"upstream_error"/);
    const { cookie } = await createUser();
    await openrouter.fault(modelSays("Sure! Here are some questions: 1. When are you open?"));
    const response = await generate(cookie, { kind: "faq" });
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error.code).toBe("upstream_error");
    expect(error.message).toContain("could not be used (it was not valid JSON)");
  });

  it("an FAQ with fewer than 5 pairs is refused", async () => {
    expectConsoleError(/"code":"upstream_error"/);
    const { cookie } = await createUser();
    await openrouter.fault(modelSays(JSON.stringify({ faq: [{ question: "Open?", answer: "Daily." }] })));
    const response = await generate(cookie, { kind: "faq" });
    expect(response.status).toBe(502);
    expect((await errorOf(response)).message).toContain("fewer than 5 pairs");
  });

  it("an FAQ with more than 15 pairs, or of the wrong shape, is refused", async () => {
    expectConsoleError(/"code":"upstream_error"/);
    const { cookie } = await createUser();
    const many = Array.from({ length: 16 }, (_, i) => ({ question: `Question ${i}?`, answer: "Answer." }));
    await openrouter.fault(modelSays(JSON.stringify({ faq: many })));
    expect((await errorOf(await generate(cookie, { kind: "faq" }))).message).toContain("more than 15 pairs");
    await openrouter.fault(modelSays(JSON.stringify({ questions: ["Open?"] })));
    expect((await generate(cookie, { kind: "faq" })).status).toBe(502);
  });

  it("an FAQ wrapped in a code fence is still read", async () => {
    const { cookie } = await createUser();
    const pairs = Array.from({ length: 6 }, (_, i) => ({ question: `Question ${i}?`, answer: `Answer ${i}.` }));
    await openrouter.fault(modelSays(`\`\`\`json\n${JSON.stringify({ faq: pairs })}\n\`\`\``));
    const response = await generate(cookie, { kind: "faq" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ faq: pairs });
  });

  it("an empty greeting is refused, a quoted one is unwrapped", async () => {
    expectConsoleError(/"code":"upstream_error"/);
    const { cookie } = await createUser();
    await openrouter.fault(modelSays("   "));
    expect((await generate(cookie, { kind: "greeting" })).status).toBe(502);
    await openrouter.fault(modelSays('"Hi, Sunny Paws here! How can I help?"'));
    expect(await (await generate(cookie, { kind: "greeting" })).json()).toEqual({ text: "Hi, Sunny Paws here! How can I help?" });
  });

  it("a greeting cut off at max_tokens is refused, not saved half-written", async () => {
    expectConsoleError(/"code":"upstream_error"/);
    const { cookie } = await createUser();
    await openrouter.fault(modelSays("Hi, thanks for calling Sunny Paws! How can I", "length"));
    const response = await generate(cookie, { kind: "greeting" });
    expect(response.status).toBe(502);
    expect((await errorOf(response)).message).toContain("cut off");
  });
});

describe("when OpenRouter fails", () => {
  it("a 5xx that persists after one retry is 502 upstream_error", async () => {
    expectConsoleError(/"code":"upstream_error"/);
    const { cookie } = await createUser();
    const mark = await openrouter.mark();
    await openrouter.fault({ path: "/chat/completions", status: 503, times: 2, body: openRouterError(503, "No endpoints available") });
    const response = await generate(cookie, { kind: "faq" });
    expect(response.status).toBe(502);
    const error = await errorOf(response);
    expect(error.code).toBe("upstream_error");
    expect(error.message).toContain("No endpoints available");
    expect(await openrouter.requests(mark)).toHaveLength(2);
  });

  it("a 4xx is not retried", async () => {
    expectConsoleError(/"code":"upstream_error"/);
    const { cookie } = await createUser();
    const mark = await openrouter.mark();
    await openrouter.fault({ path: "/chat/completions", status: 402, body: openRouterError(402, "Insufficient credits") });
    const response = await generate(cookie, { kind: "policies" });
    expect(response.status).toBe(502);
    expect((await errorOf(response)).message).toContain("Insufficient credits");
    expect(await openrouter.requests(mark)).toHaveLength(1);
  });

  it("an error inside a 200 answer is an error too", async () => {
    expectConsoleError(/"code":"upstream_error"/);
    const { cookie } = await createUser();
    await openrouter.fault({ path: "/chat/completions", status: 200, times: 2, body: openRouterError(500, "Upstream provider crashed") });
    const response = await generate(cookie, { kind: "greeting" });
    expect(response.status).toBe(502);
    expect((await errorOf(response)).message).toContain("Upstream provider crashed");
  });

  it("without OPENROUTER_API_KEY it is 503 service_not_configured, and nothing is counted or sent", async () => {
    expectConsoleError(/"code":"service_not_configured"/);
    const { cookie } = await createUser();
    const mark = await openrouter.mark();
    const response = await generate(cookie, { kind: "faq" }, envWith({ OPENROUTER_API_KEY: undefined }));
    expect(response.status).toBe(503);
    expect((await errorOf(response)).code).toBe("service_not_configured");
    expect(await openrouter.requests(mark)).toHaveLength(0);
  });
});

describe("limits", () => {
  it("is rate-limited per user with 429 and Retry-After", async () => {
    const { user, cookie } = await createUser();
    const other = await createUser();
    await db.insert(rateLimits).values({ key: `generate:user:${user.id}`, windowStart: new Date(), count: GENERATE_LIMIT.limit });
    const mark = await openrouter.mark();
    const response = await generate(cookie, { kind: "greeting" });
    expect(response.status).toBe(429);
    expect((await errorOf(response)).code).toBe("rate_limited");
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await openrouter.requests(mark)).toHaveLength(0);
    // Another account is not affected.
    expect((await generate(other.cookie, { kind: "greeting" })).status).toBe(200);
  });

  it("validates the request", async () => {
    const { cookie } = await createUser();
    const response = await call("/api/generate", { method: "POST", cookie, json: { kind: "poem", businessDescription: "short", agentName: "x".repeat(41) } });
    expect(response.status).toBe(400);
    const paths = ((await errorOf(response)).details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(["kind", "businessDescription", "agentName"]));
  });

  it("needs a session", async () => {
    const response = await call("/api/generate", { method: "POST", json: { kind: "faq", businessDescription } });
    expect(response.status).toBe(401);
  });
});
