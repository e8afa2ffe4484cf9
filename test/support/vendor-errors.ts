/**
 * Vendors' error answers, for scripting a stand-in's fault: each copies its file in
 * test/fixtures/ and changes only what a test is about (the status and the message).
 *
 * @example
 *   await vapi.fault({ method: "POST", path: "/assistant", status: 400, body: vapiError(400, ["name must be shorter"]) });
 */
import googleApi from "../fixtures/google/api-error.json";
import googleOAuth from "../fixtures/google/oauth-error.json";
import openRouter from "../fixtures/openrouter/error.json";
import stripe from "../fixtures/stripe/error.json";
import vapi from "../fixtures/vapi/error.json";

/** A Google API (Calendar, Sheets) error: `{ error: { code, message, status } }`. */
export function googleApiError(code: number, status: string, message: string) {
  const body = structuredClone(googleApi);
  Object.assign(body.error, { code, status, message });
  return body;
}

/** Google's OAuth token endpoint error (RFC 6749 §5.2); no description unless given. */
export function googleOAuthError(error: string, description?: string) {
  const { error_description: _example, ...body } = structuredClone(googleOAuth);
  return { ...body, error, ...(description === undefined ? {} : { error_description: description }) };
}

const REASONS: Record<number, string> = { 400: "Bad Request", 402: "Payment Required", 404: "Not Found", 409: "Conflict", 500: "Internal Server Error", 503: "Service Unavailable" };

/** Vapi's (NestJS) error: `{ message, error, statusCode }`; `message` is a list for validation failures. */
export function vapiError(statusCode: number, message: string | string[]) {
  return { ...structuredClone(vapi), message, error: REASONS[statusCode] ?? "Error", statusCode };
}

/** OpenRouter's error: `{ error: { code, message } }`. */
export function openRouterError(code: number, message: string) {
  const body = structuredClone(openRouter);
  Object.assign(body.error, { code, message });
  return body;
}

/** Stripe's error: `{ error: { type, code, message, param } }`; the example's `param` unless another is given. */
export function stripeError(type: string, code: string, message: string, param?: string) {
  const body = structuredClone(stripe);
  Object.assign(body.error, { type, code, message, ...(param === undefined ? {} : { param }) });
  return body;
}
