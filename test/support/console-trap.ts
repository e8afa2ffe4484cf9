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

interface Trap {
  expected: { pattern: RegExp; seen: number }[];
  unexpected: string[];
}

/**
 * The worker files share one module graph (vitest.config.ts), and vitest evaluates this setup
 * file again before each of them: console.error is wrapped once, and every evaluation (and every
 * copy of this module a test imports) reads the same state, kept on globalThis.
 */
const TRAP = Symbol.for("agentline.console-trap");
const holder = globalThis as { [TRAP]?: Trap };
holder[TRAP] ??= installTrap();
const trap: Trap = holder[TRAP];

function installTrap(): Trap {
  const state: Trap = { expected: [], unexpected: [] };
  const original = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    const text = args.map((arg) => (typeof arg === "string" ? arg : arg instanceof Error ? (arg.stack ?? arg.message) : safeJson(arg))).join(" ");
    const match = state.expected.find((expectation) => expectation.pattern.test(text));
    if (match) match.seen += 1;
    else state.unexpected.push(text);
    original(...args);
  };
  return state;
}

/** This test logs an error matching `pattern`, on purpose (at least once). */
export function expectConsoleError(pattern: RegExp): void {
  trap.expected.push({ pattern, seen: 0 });
}

beforeEach(() => {
  trap.expected = [];
  trap.unexpected = [];
});

afterEach(() => {
  const problems: string[] = [];
  const { expected, unexpected } = trap;
  if (unexpected.length) {
    problems.push(`console.error was called ${unexpected.length} time(s) unexpectedly:\n${unexpected.map((line) => `  ${line}`).join("\n")}`);
  }
  for (const { pattern, seen } of expected) if (!seen) problems.push(`expected a console.error matching ${pattern}, and none came`);
  trap.expected = [];
  trap.unexpected = [];
  if (problems.length) throw new Error(`${problems.join("\n")}\nIf the test means it, call expectConsoleError(/…/) from test/support/console-trap.ts first.`);
});

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
