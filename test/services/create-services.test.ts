/**
 * The composition root (ADR 1003): every vendor is made on first use, once, and a missing key
 * is a 503 where the vendor is used, never when the services are built.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { loadDatabaseDriver } from "../../src/db/client";
import { AppError } from "../../src/errors";
import { createServices } from "../../src/services/create-services";
import { envWith, testEnv } from "../support/env";

describe("createServices", () => {
  beforeAll(() => loadDatabaseDriver());

  it("builds without any vendor key; each vendor answers 503 service_not_configured only when called", async () => {
    const services = createServices(
      envWith({ VAPI_API_KEY: undefined, STRIPE_SECRET_KEY: undefined, GOOGLE_CLIENT_ID: undefined, OPENROUTER_API_KEY: undefined }),
    );
    const notConfigured = { code: "service_not_configured" };
    expect(() => services.vapi()).toThrow(AppError);
    expect(() => services.vapi()).toThrow(expect.objectContaining(notConfigured));
    await expect(services.stripe()).rejects.toMatchObject(notConfigured);
    expect(() => services.google()).toThrow(expect.objectContaining(notConfigured));
    expect(() => services.openrouter()).toThrow(expect.objectContaining(notConfigured));
  });

  it("makes each vendor once per services object", () => {
    const services = createServices(testEnv);
    expect(services.vapi()).toBe(services.vapi());
    expect(services.google()).toBe(services.google());
    expect(services.mailer()).toBe(services.mailer());
    expect(services.openrouter()).toBe(services.openrouter());
    expect(services.now()).toBeInstanceOf(Date);
  });
});
