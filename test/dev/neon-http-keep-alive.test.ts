/**
 * The local endpoint keeps idle connections open far longer than Node's default 5 s (issue #10
 * item 11): a worker isolate busy with scrypt during a burst of sign-ins leaves its pooled
 * connections idle for seconds, and a connection the server closed meanwhile failed the next
 * query with "Network connection lost" (8 of 40 concurrent logins answered 500). Clients learn
 * the idle timeout from the `Keep-Alive` header, so that is what is checked, without waiting.
 */
import http from "node:http";
import { describe, expect, it } from "vitest";
import { IDLE_KEEP_ALIVE_MS } from "../../dev/db/neon-http.mjs";
import { backendCases, useNeonEndpoint } from "./backends";

const pglite = backendCases.find((backend) => backend.name === "pglite") ?? backendCases[0]!;

describe("Neon HTTP endpoint: keep-alive", () => {
  const suite = useNeonEndpoint(pglite);

  it("announces and keeps a long idle timeout on reused connections", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const query = () =>
      new Promise<{ status: number; keepAlive: string | undefined; socket: unknown }>((resolve, reject) => {
        const body = JSON.stringify({ query: "select 1 as one", params: [] });
        const request = http.request(
          suite.url,
          {
            agent,
            method: "POST",
            headers: {
              "content-type": "application/json",
              "neon-connection-string": `postgresql://agentline:${encodeURIComponent(suite.password)}@db.neon-http.test/agentline`,
            },
          },
          (response) => {
            response.resume();
            response.on("end", () => resolve({ status: response.statusCode ?? 0, keepAlive: response.headers["keep-alive"] as string | undefined, socket: request.socket }));
          },
        );
        request.on("error", reject);
        request.end(body);
      });
    const first = await query();
    const second = await query();
    agent.destroy();
    expect(first.status).toBe(200);
    expect(first.keepAlive).toBe(`timeout=${IDLE_KEEP_ALIVE_MS / 1000}`);
    expect(IDLE_KEEP_ALIVE_MS).toBeGreaterThanOrEqual(5 * 60 * 1000);
    // The same socket served both: connections are reused, not closed after each answer.
    expect(second.socket).toBe(first.socket);
  });
});
