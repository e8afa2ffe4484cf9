/**
 * `npm run ops` (dev/ops.mjs): the subcommands against an operations API that checks the bearer
 * token and answers as src/routes/ops does; the exit codes say usage (2) from failure (1).
 */
import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TOKEN = "ops-cli-test-token-0123456789abcdef012345";
const LETTER = { id: "5f0c7c1e-1c1e-4c1e-8c1e-1c1e1c1e1c1e", messageId: "m1", type: "email.low_credit", idempotencyKey: "low-credit:1", reason: "SMTP 421", attempts: 6, failedAt: "2026-12-01T10:00:00.000Z", createdAt: "2026-12-01T10:00:01.000Z", replayedAt: null };

function runOps(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // A cast: worker-configuration.d.ts types process.env as the worker sees it (its vars set), not a bare child's.
    const childEnv = { PATH: process.env.PATH ?? "", ...env } as unknown as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, ["dev/ops.mjs", ...args], { cwd: ROOT, env: childEnv });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run ops", () => {
  let server: http.Server;
  let url = "";
  const seen: string[] = [];
  let replayed = false;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      const send = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, { error: { code: "unauthenticated", message: "bad token" } });
      if (req.method === "GET" && req.url?.startsWith("/api/ops/dead-letters?")) return send(200, { deadLetters: [LETTER] });
      if (req.method === "POST" && req.url === `/api/ops/dead-letters/${LETTER.id}/replay`) {
        const first = !replayed;
        replayed = true;
        return send(200, first ? { replayed: true, id: LETTER.id, type: LETTER.type } : { replayed: false, id: LETTER.id, replayedAt: "2026-12-01T11:00:00.000Z" });
      }
      return send(404, { error: { code: "not_found", message: `No route for ${req.method} ${req.url}` } });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => server?.close());

  it("lists dead letters and replays one once", async () => {
    const list = await runOps(["dead-letters", "--pending", "--url", url], { OPS_TOKEN: TOKEN });
    expect(list).toMatchObject({ code: 0 });
    expect(list.stdout).toContain(`${LETTER.id}  2026-12-01T10:00:00.000Z  email.low_credit  attempts 6  not replayed`);
    expect(seen).toContain("GET /api/ops/dead-letters?limit=50&pending=true");
    expect((await runOps(["replay", LETTER.id, "--url", url], { OPS_TOKEN: TOKEN })).stdout).toContain(`Replayed ${LETTER.id}`);
    expect((await runOps(["replay", LETTER.id, "--url", url], { OPS_TOKEN: TOKEN })).stdout).toContain("already replayed at 2026-12-01T11:00:00.000Z");
  });

  it("says why it failed: a wrong token exits 1 with the API's error; a missing id or command exits 2", async () => {
    const wrong = await runOps(["dead-letters", "--url", url], { OPS_TOKEN: `${TOKEN}x` });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("401 unauthenticated bad token");
    expect((await runOps(["replay", "--url", url], { OPS_TOKEN: TOKEN })).code).toBe(2);
    expect((await runOps(["nonsense"])).code).toBe(2);
    // A non-local target needs its OPS_TOKEN: the sandbox's is never sent there.
    const noToken = await runOps(["dead-letters", "--url", "https://app.example.com"]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("OPS_TOKEN is required");
  });
});
