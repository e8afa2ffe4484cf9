import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStandIn } from "../../dev/stand-ins/kit.mjs";

describe("stand-in kit", () => {
  let standIn: Awaited<ReturnType<typeof startStandIn>>;
  type Recorded = { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: unknown };
  const control = (path: string, body?: unknown) =>
    fetch(`${standIn.url}/__control/${path}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) }).then(
      (r) => r.json() as Promise<{ last: number; requests: Recorded[] }>,
    );

  beforeAll(async () => {
    standIn = await startStandIn({
      name: "demo",
      routes: [
        { method: "POST", path: "/things", handle: (req) => ({ status: 201, json: { created: req.body } }) },
        { method: "GET", path: /^\/things\/([^/]+)$/, handle: (req) => ({ json: { id: req.params[0] } }) },
      ],
    });
  });
  afterAll(() => standIn.close());

  it("routes by method and path, with path parameters", async () => {
    const created = await fetch(`${standIn.url}/things`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "a" }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ created: { name: "a" } });
    expect(await (await fetch(`${standIn.url}/things/x%20y`)).json()).toEqual({ id: "x y" });
    const missing = await fetch(`${standIn.url}/nope`);
    expect(missing.status).toBe(404);
  });

  it("records what it was sent, readable since a mark", async () => {
    const { last } = await control("mark");
    await fetch(`${standIn.url}/things?limit=2`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: "Bearer k" },
      body: "a=1&b=two",
    });
    const { requests } = await control(`requests?since=${last}`);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: "POST", path: "/things", query: { limit: "2" }, body: { a: "1", b: "two" } });
    expect(requests[0]?.headers.authorization).toBe("Bearer k");
  });

  it("answers a scripted failure for matching requests only, as many times as told", async () => {
    await control("faults", { method: "POST", path: "/things", bodyIncludes: "fail-me", status: 503, body: { error: "down" }, times: 2 });
    const post = (body: string) =>
      fetch(`${standIn.url}/things`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect((await post('{"x":"ok"}')).status).toBe(201);
    expect((await post('{"x":"fail-me"}')).status).toBe(503);
    expect((await post('{"x":"fail-me"}')).status).toBe(503);
    expect((await post('{"x":"fail-me"}')).status).toBe(201);
  });

  it("can be slow: a delayed answer arrives after a later, undelayed one", async () => {
    await control("faults", { path: "/things/slow", delayMs: 300 });
    const finished: string[] = [];
    const slow = fetch(`${standIn.url}/things/slow`).then((r) => {
      finished.push("slow");
      return r;
    });
    const fast = fetch(`${standIn.url}/things/fast`).then((r) => {
      finished.push("fast");
      return r;
    });
    const [slowResponse] = await Promise.all([slow, fast]);
    expect(slowResponse.status).toBe(200);
    expect(finished).toEqual(["fast", "slow"]);
  });

  it("reset drops faults and, when asked, the record", async () => {
    await control("faults", { path: "/things", status: 500, times: -1 });
    await control("reset", { requests: true });
    expect((await fetch(`${standIn.url}/things/1`)).status).toBe(200);
    const { requests } = await control("requests?since=0");
    expect(requests).toHaveLength(1);
  });

  it("relays a delivery to whoever takes it, and hands the taker's answer back to the sender", async () => {
    const sent = fetch(`${standIn.url}/__relay/api/webhooks/demo?x=1`, { method: "POST", headers: { "x-signature": "abc" }, body: "payload" });
    const taken = (await (await fetch(`${standIn.url}/__control/relay?waitMs=5000`)).json()) as {
      delivery: { id: number; method: string; path: string; headers: Record<string, string>; body: string };
    };
    expect(taken.delivery).toMatchObject({ method: "POST", path: "/api/webhooks/demo?x=1", body: "payload", headers: { "x-signature": "abc" } });
    // Taken once: the next look finds nothing.
    expect(await (await fetch(`${standIn.url}/__control/relay`)).json()).toEqual({ delivery: null });
    const answered = await fetch(`${standIn.url}/__control/relay/${taken.delivery.id}`, { method: "POST", body: JSON.stringify({ status: 409, body: "busy" }) });
    expect(answered.status).toBe(200);
    const response = await sent;
    expect(response.status).toBe(409);
    expect(await response.text()).toBe("busy");
    expect((await fetch(`${standIn.url}/__control/relay/${taken.delivery.id}`, { method: "POST", body: "{}" })).status).toBe(404);
  });
});
