/**
 * Against a real `wrangler dev` (dev/stack.mjs): a body over the 1 MiB limit gets its 413 and
 * leaves the server healthy. Before ADR 0600 the request after a 2 MB chunked body got 503
 * "Your worker restarted mid-request" from wrangler's proxy.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack } from "../../dev/stack.mjs";

type Stack = Awaited<ReturnType<typeof startStack>>;

/** POSTs `size` bytes in 64 KiB writes, chunked or with a Content-Length, each on a new connection. */
function post(appUrl: string, path: string, size: number, framing: "chunked" | "length") {
  const url = new URL(appUrl);
  const headers: Record<string, string> = { "content-type": "application/json", origin: appUrl };
  if (framing === "chunked") headers["transfer-encoding"] = "chunked";
  else headers["content-length"] = String(size);
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method: "POST", headers, agent: false }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    const write = () => {
      while (sent < size) {
        const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
        sent += piece.length;
        if (!req.write(piece)) return void req.once("drain", write);
      }
      req.end();
    };
    write();
  });
}

describe("an oversized body under wrangler dev", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ mode: "test", vars: { LOG_LEVEL: "warn" }, logLevel: "warn" });
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });

  for (const framing of ["chunked", "length"] as const) {
    it(`answers a 2 MB ${framing} body 413, and the requests after it normally`, async () => {
      const big = await post(stack.appUrl, "/api/auth/login", 2 * 1024 * 1024, framing);
      expect(big.status).toBe(413);
      expect(JSON.parse(big.body).error.code).toBe("payload_too_large");

      for (let attempt = 0; attempt < 3; attempt++) {
        const next = await fetch(`${stack.appUrl}/api/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: stack.appUrl },
          body: JSON.stringify({ email: "nobody", password: "x" }),
        });
        const text = await next.text();
        expect(next.status, text).toBe(400);
      }
    });
  }
});
