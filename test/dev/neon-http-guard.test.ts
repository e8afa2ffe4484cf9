/**
 * The local Neon-HTTP endpoint holds the developer's database: only a client that knows this
 * run's password and addresses it by a loopback name may use it, and a web page may not read
 * its answers (no CORS). Sent as a browser or a DNS-rebinding page would send them.
 */
import http from "node:http";
import { describe, expect, it } from "vitest";
import { createPasswordCheck, isLoopbackHost } from "../../dev/db/neon-http-guard.mjs";
import { backendCases, useNeonEndpoint } from "./backends";

const QUERY = JSON.stringify({ query: "select 1 as one" });

/** A raw request, so the Host header can be anything (fetch would not let us set it). */
function request(url: string, options: { method?: string; headers?: Record<string, string>; body?: string }) {
  const target = new URL(url);
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, path: target.pathname, method: options.method ?? "POST", headers: options.headers },
      (res) => {
        let body = "";
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

describe.skipIf(backendCases[0]!.skip !== null)("the local Neon-HTTP endpoint's guard", () => {
  const suite = useNeonEndpoint(backendCases[0]!);
  const connection = (password: string) => `postgresql://agentline:${encodeURIComponent(password)}@db.local/agentline`;

  it("answers a client with the run's password, and sends no CORS headers", async () => {
    const answer = await request(suite.url, {
      headers: { "Neon-Connection-String": connection(suite.password), "Content-Type": "application/json", Origin: "https://evil.example" },
      body: QUERY,
    });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body).rows).toEqual([{ one: 1 }]);
    expect(Object.keys(answer.headers).filter((name) => name.startsWith("access-control-"))).toEqual([]);
  });

  it("refuses a cross-site text/plain POST (no connection string), a wrong password and a missing one", async () => {
    const crossSite = await request(suite.url, { headers: { "Content-Type": "text/plain", Origin: "https://evil.example" }, body: QUERY });
    expect(crossSite.status).toBe(401);
    expect(crossSite.headers["access-control-allow-origin"]).toBeUndefined();
    expect(JSON.parse(crossSite.body)).toMatchObject({ code: "28P01" });

    for (const wrong of ["agentline", "", `${suite.password}x`, suite.password.slice(1)]) {
      const answer = await request(suite.url, { headers: { "Neon-Connection-String": connection(wrong) }, body: QUERY });
      expect(answer.status, `password "${wrong}"`).toBe(401);
      expect(answer.body).not.toContain("one");
    }
    const garbage = await request(suite.url, { headers: { "Neon-Connection-String": "not a url" }, body: QUERY });
    expect(garbage.status).toBe(401);
  });

  it("refuses a CORS preflight and any non-loopback Host, password or not", async () => {
    const preflight = await request(suite.url, {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "neon-connection-string" },
    });
    expect(preflight.status).toBe(405);
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    expect(preflight.headers["access-control-allow-headers"]).toBeUndefined();

    for (const host of ["evil.example", "evil.example:80", "127.0.0.1.evil.example", "localhost.evil.example", "10.0.0.5"]) {
      const answer = await request(suite.url, {
        headers: { Host: host, "Neon-Connection-String": connection(suite.password) },
        body: QUERY,
      });
      expect(answer.status, host).toBe(403);
    }
  });

  it("knows loopback names and compares passwords exactly", () => {
    for (const host of ["localhost", "localhost:4444", "127.0.0.1:80", "127.5.6.7", "[::1]:4444", "LOCALHOST"]) {
      expect(isLoopbackHost(host, "127.0.0.1"), host).toBe(true);
    }
    for (const host of [undefined, "", "example.test", "127.0.0.1.nip.io", "0.0.0.0", "[::]"]) {
      expect(isLoopbackHost(host, "0.0.0.0"), String(host)).toBe(false);
    }
    expect(isLoopbackHost("192.168.1.9:4444", "192.168.1.9")).toBe(true);

    const matches = createPasswordCheck("s3cret/+=");
    expect(matches("postgresql://u:s3cret%2F%2B%3D@h/db")).toBe(true);
    expect(matches("postgresql://u:s3cret@h/db")).toBe(false);
    expect(matches("postgresql://u@h/db")).toBe(false);
    expect(matches(undefined)).toBe(false);
    expect(() => createPasswordCheck("")).toThrow();
  });
});
