/**
 * Every server call goes through Hono's typed client over the worker's own route types
 * (`AppType`), so a renamed field or path fails the type check instead of the user.
 * `unwrap` turns a non-2xx answer into an ApiError carrying the API's code, message and the
 * per-field details a form shows next to its inputs.
 */

import type { ClientResponse } from "hono/client";
import { hc } from "hono/client";
// The worker's declarations (npm run typecheck emits them from src/ with web/tsconfig.api.json).
import type { AppType } from "../../api-types/app";

export const client = hc<AppType>("/", { init: { credentials: "same-origin" } }).api;

export type FieldProblem = { path: string; message: string };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldProblem[] = [],
    /** Details that are not field problems (a 409 slot_taken's `nextOpening`), as the API sent them. */
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }

  /** The problem the API names for one field ("email", "faq.0.answer"), if any. */
  forField(path: string): string | undefined {
    return this.details.find((detail) => detail.path === path)?.message;
  }
}

type SuccessStatus = 200 | 201 | 202 | 204;
type SuccessBody<R> = R extends ClientResponse<infer T, infer S, infer _F> ? (S extends SuccessStatus ? T : never) : never;

function asDetails(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is FieldProblem => typeof item === "object" && item !== null && typeof item.path === "string" && typeof item.message === "string",
  );
}

export async function readError(response: Response): Promise<ApiError> {
  const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string; details?: unknown } } | null;
  const error = body?.error;
  return new ApiError(
    response.status,
    error?.code ?? `http_${response.status}`,
    error?.message ?? `The server answered ${response.status}. Try again in a moment.`,
    asDetails(error?.details),
    error?.details && typeof error.details === "object" && !Array.isArray(error.details) ? (error.details as Record<string, unknown>) : {},
  );
}

/** Awaits a typed-client call: the success body, or a thrown ApiError. */
export async function unwrap<R extends ClientResponse<unknown, number, string>>(request: Promise<R>): Promise<SuccessBody<R>> {
  let response: R;
  try {
    response = await request;
  } catch {
    throw new ApiError(0, "network_error", "Could not reach Agentline. Check your connection and try again.");
  }
  if (!response.ok) throw await readError(response as unknown as Response);
  if (response.status === 204) return undefined as SuccessBody<R>;
  return (await response.json()) as SuccessBody<R>;
}

export function isUnauthenticated(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code === "unauthenticated";
}
