/** Calls the worker's fetch handler in-process, with the test bindings or a variant of them. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { app } from "../../src/app";
import type { Bindings } from "../../src/bindings";
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
  // A fresh client address per call (documentation range), so per-IP limits only bite where a test means them to.
  if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", randomDocumentationIp());
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

function randomDocumentationIp(): string {
  const hex = () => Math.floor(Math.random() * 0x10000).toString(16);
  return `2001:db8:${hex()}:${hex()}::${hex()}`;
}

/** The `session=…` pair of a response's Set-Cookie, ready to send back as a Cookie header. */
export function sessionCookieFrom(response: Response): string {
  const setCookie = response.headers.get("set-cookie") ?? "";
  const match = /(?:^|,\s*)session=([^;]*)/.exec(setCookie);
  if (!match?.[1]) throw new Error(`no session cookie in ${JSON.stringify(setCookie)}`);
  return `session=${match[1]}`;
}

/** The `device=…` pair of a response's Set-Cookie (the login device cookie, ADR 0010), or null when none was set. */
export function deviceCookieFrom(response: Response): string | null {
  const setCookie = response.headers.get("set-cookie") ?? "";
  const match = /(?:^|,\s*)device=([^;]*)/.exec(setCookie);
  return match?.[1] ? `device=${match[1]}` : null;
}
