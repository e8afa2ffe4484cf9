/** Calls the worker's fetch handler in-process, with the test bindings or a variant of them. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { app } from "../../src/app";
import type { Bindings } from "../../src/env";
import { testEnv } from "./env";

export const APP_ORIGIN = "http://127.0.0.1:8787";

export interface CallOptions extends RequestInit {
  env?: Bindings;
  json?: unknown;
  cookie?: string;
}

export async function call(path: string, options: CallOptions = {}): Promise<Response> {
  const { env = testEnv, json, cookie, ...init } = options;
  const headers = new Headers(init.headers);
  if (json !== undefined) {
    headers.set("content-type", "application/json");
    init.body = JSON.stringify(json);
  }
  if (cookie) headers.set("cookie", cookie);
  const method = (init.method ?? "GET").toUpperCase();
  if (method !== "GET" && method !== "HEAD" && !headers.has("origin")) headers.set("origin", APP_ORIGIN);
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`${APP_ORIGIN}${path}`, { ...init, headers }), env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

export async function errorOf(response: Response): Promise<{ code: string; message: string; details?: unknown; requestId?: string }> {
  const body = (await response.json()) as { error: { code: string; message: string; details?: unknown; requestId?: string } };
  return body.error;
}
