/**
 * A database that cannot be reached, or drops the connection, is 503 `database_unavailable`
 * with Retry-After, never a 500; the log line names the underlying cause (issue #10 item 11).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { envWith } from "../support/env";
import { uniqueEmail } from "../support/factories";
import { call, errorOf } from "../support/http";

const down = envWith({
  DATABASE_URL: "postgresql://agentline:agentline@down.agentline.test/agentline",
  // Nothing listens on port 9 (discard) on loopback: the connection is refused.
  NEON_FETCH_ENDPOINT: "http://127.0.0.1:9/sql",
});

afterEach(() => vi.restoreAllMocks());

describe("database unavailable", () => {
  it("answers 503 database_unavailable with Retry-After, and logs the cause", async () => {
    const lines: string[] = [];
    vi.spyOn(console, "error").mockImplementation((line: string) => void lines.push(line));
    const response = await call("/api/auth/login", { method: "POST", json: { email: uniqueEmail(), password: "whatever it is" }, env: down });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("2");
    const error = await errorOf(response);
    expect(error.code).toBe("database_unavailable");
    expect(error.message).toBe("The database is not answering right now. Please try again in a moment.");
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.msg === "database unavailable");
    expect(logged?.cause).toMatchObject({ errorName: "NeonDbError", error: expect.stringMatching(/^Error connecting to database/) });
    expect(JSON.stringify(logged)).not.toMatch(/params:/);
  });
});
