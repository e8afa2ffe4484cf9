import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Bindings } from "../src/bindings";
import { ConfigError, loadConfig } from "../src/config/env";
import type { HonoEnv } from "../src/hono-env";
import { validate } from "../src/lib/validate";
import { limitBody } from "../src/middleware/body-limit";
import { handleError, handleNotFound } from "../src/middleware/error-handler";
import { requestContext } from "../src/middleware/request-context";
import { expectConsoleError } from "./support/console-trap";
import { envWith, testEnv } from "./support/env";
import { call, errorOf } from "./support/http";

/** A tiny app wired like the real one, with routes that exercise each error path. */
function probeApp() {
  const app = new Hono<HonoEnv>();
  app.use("*", requestContext());
  app.use("*", limitBody(1024));
  app.post("/echo", validate("json", z.object({ name: z.string().min(1), age: z.number().int().min(0) })), (c) =>
    c.json(c.req.valid("json")),
  );
  app.get("/boom", () => {
    throw new Error("database password is hunter2");
  });
  app.notFound(handleNotFound);
  app.onError(handleError);
  return app;
}

const probe = (path: string, init?: RequestInit) => probeApp().request(path, init, testEnv);

describe("error shape", () => {
  it("an unknown route is 404 not_found in the error shape with the request id", async () => {
    const response = await call("/api/no-such-thing");
    expect(response.status).toBe(404);
    const error = await errorOf(response);
    expect(error.code).toBe("not_found");
    expect(error.message).toContain("/api/no-such-thing");
    expect(error.requestId).toBe(response.headers.get("x-request-id"));
  });

  it("invalid input is 400 validation_failed naming each failing field", async () => {
    const response = await probe("/echo", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "", age: -1 }),
    });
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe("validation_failed");
    expect(error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "name" }),
        expect.objectContaining({ path: "age" }),
      ]),
    );
  });

  it("malformed JSON is 400 invalid_json", async () => {
    const response = await probe("/echo", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe("invalid_json");
  });

  it("an unexpected error is 500 internal_error with no stack and no message leaked", async () => {
    expectConsoleError(/"msg":"unhandled error"/);
    const response = await probe("/boom");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text).error.code).toBe("internal_error");
    expect(text).not.toContain("hunter2");
    expect(text).not.toMatch(/\bat\s.+:\d+:\d+/);
  });
});

describe("request body limit", () => {
  it("refuses a body over 1 MiB with 413 payload_too_large", async () => {
    const response = await call("/api/health", { method: "POST", body: "x".repeat(1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe("payload_too_large");
  });

  it("accepts a body under the limit (and then routes it)", async () => {
    const response = await call("/api/health", { method: "POST", body: "x".repeat(1000) });
    expect(response.status).toBe(404);
  });

  /** A chunked body of `chunks` × 512 bytes that records how far it was read and whether it was cancelled. */
  const streamedBody = (chunks: number, text = "x".repeat(512)) => {
    const seen = { pulled: 0, cancelled: false };
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (seen.pulled === chunks) return controller.close();
        seen.pulled++;
        controller.enqueue(new TextEncoder().encode(text));
      },
      cancel() {
        seen.cancelled = true;
      },
    });
    return { stream, seen };
  };

  it("refuses a streamed body over the limit only after reading it to its end (wrangler dev, ADR 0600)", async () => {
    const { stream, seen } = streamedBody(8);
    const response = await probe("/echo", { method: "POST", body: stream, headers: { "content-type": "application/json" } });
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe("payload_too_large");
    expect(seen).toEqual({ pulled: 8, cancelled: false });
  });

  it("gives up on an endless streamed body: it reads a bounded amount, then cancels it", async () => {
    const { stream, seen } = streamedBody(1_000_000);
    const app = new Hono<HonoEnv>().use("*", limitBody(1024, 4096)).post("/", (c) => c.text("read"));
    app.onError(handleError);
    const response = await app.request("/", { method: "POST", body: stream }, testEnv);
    expect(response.status).toBe(413);
    expect(seen.cancelled).toBe(true);
    expect(seen.pulled).toBeLessThanOrEqual(2 + (1024 + 4096) / 512 + 2);
  });

  it("hands a streamed body under the limit to the handler intact", async () => {
    const { stream } = streamedBody(1, JSON.stringify({ name: "Ada", age: 36 }));
    const response = await probe("/echo", { method: "POST", body: stream, headers: { "content-type": "application/json" } });
    expect([response.status, await response.json()]).toEqual([200, { name: "Ada", age: 36 }]);
  });
});

describe("configuration", () => {
  it("a missing DATABASE_URL fails with 500 config_invalid naming the variable", async () => {
    expectConsoleError(/Invalid configuration: DATABASE_URL/);
    const response = await call("/api/health", { env: envWith({ DATABASE_URL: undefined }) });
    expect(response.status).toBe(500);
    const error = await errorOf(response);
    expect(error.code).toBe("config_invalid");
    expect(error.message).toContain("DATABASE_URL");
  });

  it("a malformed variable is named with what is wrong with it", async () => {
    expectConsoleError(/Invalid configuration: GOOGLE_ENCRYPTION_KEY/);
    const response = await call("/api/health", { env: envWith({ GOOGLE_ENCRYPTION_KEY: "not-hex", CREDITS_PER_MINUTE: "one" }) });
    const error = await errorOf(response);
    expect(error.code).toBe("config_invalid");
    expect(error.message).toMatch(/GOOGLE_ENCRYPTION_KEY must be 64 hex characters/);
    expect(error.message).toMatch(/CREDITS_PER_MINUTE must be a whole number/);
  });
});

/** The test bindings as a deployed worker would have them: Neon, https, no stand-ins, an environment id. */
const deployed = (overrides: Record<string, string | undefined> = {}) =>
  envWith({
    AGENTLINE_MODE: "production",
    ENVIRONMENT_ID: "production",
    APP_URL: "https://app.example.com",
    DATABASE_URL: "postgresql://agentline:secret@ep-calm-sea-123456.us-east-2.aws.neon.tech/agentline?sslmode=require",
    NEON_FETCH_ENDPOINT: undefined,
    SANDBOX_INBOX_URL: undefined,
    VAPI_BASE_URL: undefined,
    STRIPE_API_BASE: undefined,
    OPENROUTER_BASE_URL: undefined,
    GOOGLE_OAUTH_BASE_URL: undefined,
    GOOGLE_API_BASE_URL: undefined,
    TWILIO_BASE_URL: undefined,
    TWILIO_API_URL: undefined,
    WEB_IMPORT_ALLOW_HOSTS: undefined,
    WEB_IMPORT_DNS_URL: undefined,
    ...overrides,
  });

function problemsOf(bindings: Bindings): string[] {
  try {
    loadConfig(bindings);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("configuration in production (docs/architecture.md §7d)", () => {
  it("accepts a deployed configuration and keeps its ENVIRONMENT_ID; outside production the id defaults to local", () => {
    expect(problemsOf(deployed())).toEqual([]);
    expect(loadConfig(deployed({ ENVIRONMENT_ID: "staging" })).ENVIRONMENT_ID).toBe("staging");
    expect(loadConfig(testEnv).ENVIRONMENT_ID).toBe("local");
    // Unset means production: a deploy that forgets AGENTLINE_MODE is checked all the same.
    expect(problemsOf(deployed({ AGENTLINE_MODE: undefined, APP_URL: "http://app.example.com" }))).toEqual([expect.stringMatching(/^APP_URL must be an https/)]);
  });

  it("refuses, naming the variable, a missing ENVIRONMENT_ID, an http APP_URL, a local database endpoint and sandbox mode", () => {
    const cases: [Record<string, string | undefined>, string][] = [
      [{ ENVIRONMENT_ID: undefined }, "ENVIRONMENT_ID is required in production"],
      [{ ENVIRONMENT_ID: "" }, "ENVIRONMENT_ID is required in production"],
      [{ APP_URL: "http://app.example.com" }, "APP_URL must be an https:// origin"],
      [{ NEON_FETCH_ENDPOINT: "http://127.0.0.1:4444/sql" }, "NEON_FETCH_ENDPOINT must be unset in production"],
      [{ DATABASE_URL: "postgres://agentline:agentline@127.0.0.1:5432/postgres" }, "DATABASE_URL points at a local database (127.0.0.1)"],
      [{ DATABASE_URL: "postgres://postgres@localhost/agentline" }, "DATABASE_URL points at a local database (localhost)"],
      [{ DATABASE_URL: "postgres://u:p@db.agentline.local/agentline" }, "DATABASE_URL points at a local database (db.agentline.local)"],
      [{ SANDBOX_INBOX_URL: "http://127.0.0.1:2525/messages" }, "SANDBOX_INBOX_URL is sandbox mode only"],
      [{ VAPI_BASE_URL: "http://127.0.0.1:4010" }, "VAPI_BASE_URL points at a local stand-in (127.0.0.1)"],
      [{ GOOGLE_OAUTH_BASE_URL: "http://localhost:4020" }, "GOOGLE_OAUTH_BASE_URL points at a local stand-in (localhost)"],
      [{ TWILIO_BASE_URL: "http://127.0.0.1:4060" }, "TWILIO_BASE_URL points at a local stand-in (127.0.0.1)"],
      [{ WEB_IMPORT_ALLOW_HOSTS: "127.0.0.1:4070" }, "WEB_IMPORT_ALLOW_HOSTS must be unset in production"],
      [{ WEB_IMPORT_DNS_URL: "http://127.0.0.1:4070/dns-query" }, "WEB_IMPORT_DNS_URL points at a local stand-in (127.0.0.1)"],
    ];
    for (const [overrides, expected] of cases) {
      expect(problemsOf(deployed(overrides)), JSON.stringify(overrides)).toEqual([expect.stringContaining(expected)]);
    }
    // What the worker tests run with (stand-ins, local database, http) is refused as a whole.
    const everything = problemsOf(envWith({ AGENTLINE_MODE: "production", ENVIRONMENT_ID: undefined })).map((problem) => problem.split(" ")[0]);
    expect(everything).toEqual(expect.arrayContaining(["ENVIRONMENT_ID", "APP_URL", "NEON_FETCH_ENDPOINT", "DATABASE_URL", "VAPI_BASE_URL"]));
    expect(problemsOf(deployed({ ENVIRONMENT_ID: "Prod Env!" }))).toEqual([expect.stringMatching(/^ENVIRONMENT_ID must be 1-16 lowercase/)]);
  });

  it("a request to a worker so configured is 500 config_invalid naming the variable", async () => {
    expectConsoleError(/Invalid configuration: APP_URL must be an https/);
    const response = await call("/api/health", { env: deployed({ APP_URL: "http://app.example.com" }) });
    expect(response.status).toBe(500);
    const error = await errorOf(response);
    expect(error.code).toBe("config_invalid");
    expect(error.message).toContain("APP_URL");
  });

  it("local modes (development, sandbox, test) keep their local endpoints", () => {
    for (const mode of ["development", "sandbox", "test"]) expect(problemsOf(envWith({ AGENTLINE_MODE: mode }))).toEqual([]);
  });
});

describe("request ids", () => {
  it("every response carries a fresh X-Request-Id", async () => {
    const first = await call("/api/ping");
    const second = await call("/api/ping");
    expect(first.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
  });

  it("a caller's well-formed X-Request-Id is kept; a malformed one is replaced", async () => {
    const kept = await call("/api/ping", { headers: { "x-request-id": "trace-abc-12345" } });
    expect(kept.headers.get("x-request-id")).toBe("trace-abc-12345");
    const replaced = await call("/api/ping", { headers: { "x-request-id": "bad id <script>" } });
    // A fresh UUID instead (it may well contain the hex letters b-a-d, so match its shape).
    expect(replaced.headers.get("x-request-id")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});
