import { describe, expect, it } from "vitest";
import { createLogger, describeError } from "../../src/lib/logger";
import { isDatabaseUnavailable } from "../../src/lib/sql-state";

describe("describeError", () => {
  it("keeps a failed query's text but never its parameters", () => {
    const error = new Error('Failed query: insert into "users" ("email", "password_hash") values ($1, $2)\nparams: dana@example.com,scrypt$32768$8$1$c2FsdA==$a2V5');
    (error as Error & { cause: unknown }).cause = { code: "23505" };
    const facts = describeError(error);
    expect(facts).toEqual({ errorName: "Error", error: 'Failed query: insert into "users" ("email", "password_hash") values ($1, $2)', sqlState: "23505" });
    expect(JSON.stringify(facts)).not.toContain("dana@example.com");
  });

  it("names the cause of a failed query (a lost connection is not a SQL error)", () => {
    const error = new Error('Failed query: select 1\nparams: secret-value', { cause: new Error("Error connecting to database: Network connection lost.\nparams: x") });
    expect(describeError(error)).toEqual({
      errorName: "Error",
      error: "Failed query: select 1",
      cause: "Error: Error connecting to database: Network connection lost.",
    });
  });
});

describe("logger", () => {
  it("masks secrets and phone numbers in every line", () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      createLogger({ requestId: "r1" }).info("hello", { password: "hunter2", apiKey: "sk_live_x", customerNumber: "+14155550123", nested: { token: "t" } });
    } finally {
      console.log = original;
    }
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: "info", msg: "hello", requestId: "r1", password: "[redacted]", apiKey: "[redacted]", nested: { token: "[redacted]" } });
    expect(line.customerNumber).toMatch(/0123$/);
    expect(lines[0]).not.toContain("hunter2");
    expect(lines[0]).not.toContain("+1415555");
  });
});

describe("describeError: what an error wraps", () => {
  it("includes the cause chain (drizzle → Neon driver → fetch), each message still without parameters", () => {
    const lost = new Error("Network connection lost.");
    const neon = Object.assign(new Error(`Error connecting to database: ${lost}`), { name: "NeonDbError", sourceError: lost });
    const drizzle = Object.assign(new Error('Failed query: select * from "users" where "email" = $1\nparams: dana@example.com'), { name: "DrizzleQueryError", cause: neon });
    const facts = describeError(drizzle);
    expect(facts).toEqual({
      errorName: "DrizzleQueryError",
      error: 'Failed query: select * from "users" where "email" = $1',
      cause: {
        errorName: "NeonDbError",
        error: "Error connecting to database: Error: Network connection lost.",
        cause: { errorName: "Error", error: "Network connection lost." },
      },
    });
    expect(JSON.stringify(facts)).not.toContain("dana@example.com");
  });

  it("masks parameters in a wrapped message too", () => {
    const inner = new Error("Failed query: insert into x values ($1)\nparams: +14155550123");
    expect(JSON.stringify(describeError(new Error("outer", { cause: inner })))).not.toContain("4155550123");
  });
});

describe("isDatabaseUnavailable", () => {
  it("recognises a lost or refused connection through the wrappers, and not a query error", () => {
    const lost = Object.assign(new Error("Error connecting to database: TypeError: fetch failed"), { name: "NeonDbError" });
    expect(isDatabaseUnavailable(new Error("Failed query: select 1", { cause: lost }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Failed query", { cause: new Error("Network connection lost.") }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error("duplicate key"), { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(new Error("something else"))).toBe(false);
  });
});
