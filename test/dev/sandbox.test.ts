/**
 * The sandbox of `npm run dev`, end to end over HTTP against a real `wrangler dev` with the
 * Durable Object, the queue and every stand-in: what a new user does in the first minutes
 * with no keys at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack } from "../../dev/stack.mjs";

type Stack = Awaited<ReturnType<typeof startStack>>;

describe("sandbox (npm run dev with no keys)", () => {
  let stack: Stack;
  let cookie = "";

  const api = async (path: string, init: { method?: string; json?: unknown } = {}) => {
    const headers: Record<string, string> = { cookie, origin: stack.appUrl };
    if (init.json !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${stack.appUrl}${path}`, {
      method: init.method ?? "GET",
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      redirect: "manual",
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    stack = await startStack({ mode: "sandbox" });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("signs up", async () => {
    const response = await fetch(`${stack.appUrl}/api/auth/signup`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: stack.appUrl },
      body: JSON.stringify({ email: "owner@sandbox.test", password: "sandbox password", name: "Sam", timezone: "America/New_York" }),
    });
    expect(response.status).toBe(201);
    cookie = /session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0] ?? "";
    expect(cookie).not.toBe("");
  });

  it("generates an FAQ, creates an agent with it, and buys a number for it", async () => {
    const businessDescription = "Bright Smile Dental, a family dentist in Austin. Cleanings, fillings, whitening; most insurance accepted.";
    const generated = await api("/api/generate", { method: "POST", json: { kind: "faq", businessDescription } });
    expect(generated.status).toBe(200);
    expect(generated.body.faq.length).toBeGreaterThanOrEqual(5);

    const created = await api("/api/agents", {
      method: "POST",
      json: { name: "Front desk", greeting: "Thanks for calling Bright Smile Dental!", businessDescription, faq: generated.body.faq },
    });
    expect(created.status).toBe(201);
    expect(created.body.agent.vapiAssistantId).toEqual(expect.any(String));

    const bought = await api("/api/phone-numbers", { method: "POST", json: { agentId: created.body.agent.id, areaCode: "512" } });
    expect(bought.status).toBe(201);
    expect(bought.body.phoneNumber).toMatchObject({ agentId: created.body.agent.id });
    expect(bought.body.phoneNumber.number ?? "").toMatch(/^(\+1512\d{7})?$/);
  });
});
