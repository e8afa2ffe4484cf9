/**
 * Every feature whose key is missing answers the same 503 `service_not_configured`, naming the
 * variable to set (errors.ts `requireSetting`), and nothing else goes wrong on the way.
 */
import { describe, expect, it } from "vitest";
import { agentInput } from "../support/agents";
import { expectConsoleError } from "../support/console-trap";
import { envWith } from "../support/env";
import { createUser } from "../support/factories";
import { call, errorOf } from "../support/http";

const cases: { variable: string; request: (cookie: string) => [string, { method: string; json: unknown }] }[] = [
  { variable: "VAPI_API_KEY", request: () => ["/api/agents", { method: "POST", json: agentInput() }] },
  { variable: "STRIPE_SECRET_KEY", request: () => ["/api/billing/checkout", { method: "POST", json: { packId: "starter" } }] },
  { variable: "OPENROUTER_API_KEY", request: () => ["/api/generate", { method: "POST", json: { kind: "faq", businessDescription: "A dental clinic in Leeds, open weekdays." } }] },
  { variable: "VAPI_WEBHOOK_SECRET", request: () => ["/api/webhooks/vapi", { method: "POST", json: { message: { type: "status-update" } } }] },
  { variable: "STRIPE_WEBHOOK_SECRET", request: () => ["/api/webhooks/stripe", { method: "POST", json: { id: "evt_1", type: "checkout.session.completed" } }] },
];

describe("a feature whose key is not set", () => {
  it.each(cases)("without $variable: 503 service_not_configured naming it", async ({ variable, request }) => {
    const { cookie } = await createUser();
    // A 5xx is logged as an error, on purpose: an operator has a variable to set.
    expectConsoleError(new RegExp(`request failed.*service_not_configured.*${variable}`));
    const [path, init] = request(cookie);
    const response = await call(path, { ...init, cookie, env: envWith({ [variable]: undefined }) });
    expect(response.status).toBe(503);
    const error = await errorOf(response);
    expect(error.code).toBe("service_not_configured");
    expect(error.details).toEqual({ variable });
    expect(error.message).toContain(`${variable} is not set`);
  });
});
