/**
 * Fails any worker test that logs a `console.error` it did not expect (Epic Stack's trap): an
 * error log is a 500, a lost side effect or a broken assumption, and it should not scroll by
 * unnoticed in a green run. A test that means to cause one says so first:
 *
 *   expectConsoleError(/request failed.*service_not_configured/);
 *
 * Each expectation allows the matching lines of that test and fails it when none came.
 * Loaded for every worker test file by vitest.config.ts (setupFiles).
 */
import { afterEach, beforeEach } from "vitest";

const original = console.error.bind(console);
let expected: { pattern: RegExp; seen: number }[] = [];
let unexpected: string[] = [];

console.error = (...args: unknown[]) => {
  const text = args.map((arg) => (typeof arg === "string" ? arg : arg instanceof Error ? (arg.stack ?? arg.message) : safeJson(arg))).join(" ");
  const match = expected.find((expectation) => expectation.pattern.test(text));
  if (match) match.seen += 1;
  else unexpected.push(text);
  original(...args);
};

/** This test logs an error matching `pattern`, on purpose (at least once). */
export function expectConsoleError(pattern: RegExp): void {
  expected.push({ pattern, seen: 0 });
}

beforeEach(() => {
  expected = [];
  unexpected = [];
});

afterEach(() => {
  const problems: string[] = [];
  if (unexpected.length) {
    problems.push(`console.error was called ${unexpected.length} time(s) unexpectedly:\n${unexpected.map((line) => `  ${line}`).join("\n")}`);
  }
  for (const { pattern, seen } of expected) if (!seen) problems.push(`expected a console.error matching ${pattern}, and none came`);
  expected = [];
  unexpected = [];
  if (problems.length) throw new Error(`${problems.join("\n")}\nIf the test means it, call expectConsoleError(/…/) from test/support/console-trap.ts first.`);
});

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
