/**
 * Agents for tests: a valid create body, creation through the API (as the dashboard does),
 * and doubles for the failure paths (a database whose writes fail, a logger that records).
 */
import { expect } from "vitest";
import type { Database } from "../../src/db/client";
import type { Logger } from "../../src/lib/logger";
import type { AgentJson } from "../../src/services/agents/view";
import { call } from "./http";

export function agentInput(overrides: Record<string, unknown> = {}) {
  return {
    name: "Bella's Front Desk",
    greeting: "Hi, thanks for calling Bella Hair Studio! How can I help?",
    businessDescription: "Bella Hair Studio is a hair salon in downtown Austin. Haircuts start at $45.",
    faq: [{ question: "Do you take walk-ins?", answer: "Yes, when a stylist is free." }],
    policies: "Cancellations: at least 24 hours ahead, please.",
    ...overrides,
  };
}

export const weekdayHours = {
  mon: [{ start: "09:00", end: "17:00" }],
  tue: [{ start: "09:00", end: "17:00" }],
  wed: [{ start: "09:00", end: "12:00" }, { start: "13:00", end: "17:00" }],
  thu: [{ start: "09:00", end: "17:00" }],
  fri: [{ start: "09:00", end: "17:00" }],
};

export async function createAgentVia(cookie: string, overrides: Record<string, unknown> = {}): Promise<AgentJson> {
  const response = await call("/api/agents", { method: "POST", cookie, json: agentInput(overrides) });
  expect(response.status, await response.clone().text()).toBe(201);
  return ((await response.json()) as { agent: AgentJson }).agent;
}

/** An error like drizzle's for a failed query: its message carries the query's parameters. */
export function databaseError(): Error {
  return Object.assign(new Error("Failed query: insert into ... params: SECRET-PARAMS"), {
    name: "DrizzleQueryError",
    cause: { code: "08006" },
  });
}

function rejectingChain(error: Error): unknown {
  const target = () => undefined;
  const proxy: unknown = new Proxy(target, {
    get(_target, property) {
      if (property === "then") return (ok?: (value: never) => unknown, fail?: (reason: unknown) => unknown) => Promise.reject(error).then(ok, fail);
      return () => proxy;
    },
    apply: () => proxy,
  });
  return proxy;
}

/** The same database for reads, while every insert/update/delete (or only `writes`) fails as a lost connection would. */
export function failingWrites(
  db: Database,
  error: Error = databaseError(),
  writes: readonly ("insert" | "update" | "delete")[] = ["insert", "update", "delete"],
): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if ((writes as readonly PropertyKey[]).includes(property)) return () => rejectingChain(error);
      return Reflect.get(target, property, receiver);
    },
  });
}

/**
 * The same database, but each insert (or each of `writes`) is carried out and then answers
 * `error`: a commit whose response was lost on the way back.
 */
export function lostResponses(db: Database, error: Error = databaseError(), writes: readonly ("insert" | "update" | "delete")[] = ["insert"]): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (!(writes as readonly PropertyKey[]).includes(property)) return Reflect.get(target, property, receiver);
      return (...first: unknown[]) => {
        const calls: [PropertyKey, unknown[]][] = [];
        const chain: unknown = new Proxy(() => undefined, {
          get(_target, name) {
            if (name === "then") {
              return async (_ok?: (value: unknown) => unknown, fail?: (reason: unknown) => unknown) => {
                let outcome: unknown = error;
                try {
                  const write = Reflect.get(target, property, receiver) as (...args: unknown[]) => unknown;
                  let query = write.apply(target, first) as Record<PropertyKey, (...args: unknown[]) => unknown>;
                  for (const [method, args] of calls) query = query[method]?.(...args) as typeof query;
                  await (query as unknown as Promise<unknown>);
                } catch (failed) {
                  outcome = failed;
                }
                return fail ? fail(outcome) : Promise.reject(outcome);
              };
            }
            return (...args: unknown[]) => {
              calls.push([name, args]);
              return chain;
            };
          },
        });
        return chain;
      };
    },
  });
}

/**
 * The same database, but `hook` runs just before each update executes: a way to let "another
 * request" change a row between our read and our write.
 */
export function racingUpdates(db: Database, hook: () => Promise<void>): Database {
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== "update") return Reflect.get(target, property, receiver);
      return (...first: unknown[]) => {
        const calls: [PropertyKey, unknown[]][] = [];
        const chain: unknown = new Proxy(() => undefined, {
          get(_target, name) {
            if (name === "then") {
              return async (ok?: (value: unknown) => unknown, fail?: (reason: unknown) => unknown) => {
                try {
                  await hook();
                  // Replay the builder calls on the real database.
                  let query = (target.update as (...args: unknown[]) => unknown)(...first) as Record<PropertyKey, (...args: unknown[]) => unknown>;
                  for (const [method, args] of calls) query = query[method]?.(...args) as typeof query;
                  const value = await (query as unknown as Promise<unknown>);
                  return ok ? ok(value) : value;
                } catch (error) {
                  if (fail) return fail(error);
                  throw error;
                }
              };
            }
            return (...args: unknown[]) => {
              calls.push([name, args]);
              return chain;
            };
          },
        });
        return chain;
      };
    },
  });
}

export interface LogEntry {
  level: string;
  msg: string;
  fields?: Record<string, unknown>;
}

export function recordingLogger(): Logger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at = (level: string) => (msg: string, fields?: Record<string, unknown>) => void entries.push({ level, msg, fields });
  const logger = { entries, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error"), child: () => logger };
  return logger;
}
