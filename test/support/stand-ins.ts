/**
 * Drives a running stand-in (dev/stand-ins/kit.mjs) from a test over its control API:
 * read what it was sent, script failures and delays, reset it.
 *
 * @example
 *   const vapi = standIn("vapi");
 *   const mark = await vapi.mark();
 *   await vapi.fault({ method: "POST", path: "/assistant", status: 400, body: vapiError(400, ["name must be shorter"]) });
 *   ... act ...
 *   const sent = await vapi.requests(mark);
 */
import { inject } from "vitest";

export interface RecordedRequest {
  seq: number;
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  rawBody: string;
  body: unknown;
}

export interface Fault {
  method?: string;
  path?: string;
  bodyIncludes?: string;
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
  /** How many matching requests it answers; -1 = until reset. Default 1. */
  times?: number;
}

export function standInUrl(name: string): string {
  const url = inject("standIns")[name];
  if (!url) throw new Error(`no stand-in named ${name} is running (dev/stand-ins/index.mjs)`);
  return url;
}

export function standIn(name: string) {
  const base = standInUrl(name);
  const control = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${base}/__control/${path}`, init);
    if (!response.ok) throw new Error(`${name} stand-in control ${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  return {
    url: base,
    /** The sequence number of the last request so far: pass it to `requests` to see only newer ones. */
    mark: async () => (await control<{ last: number }>("mark")).last,
    requests: async (since = 0) => (await control<{ requests: RecordedRequest[] }>(`requests?since=${since}`)).requests,
    fault: (fault: Fault) =>
      control("faults", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(fault) }),
    reset: () => control("reset", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
    state: <T>() => control<T>("state"),
  };
}
