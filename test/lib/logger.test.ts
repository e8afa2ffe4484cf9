import { describe, expect, it } from "vitest";
import { createLogger, describeError } from "../../src/lib/logger";

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
