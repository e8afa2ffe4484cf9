import { describe, expect, it } from "vitest";
import { envWith } from "../../support/env";
import { call } from "../../support/http";

describe("GET /api/ping", () => {
  it("answers 204 with no body", async () => {
    const response = await call("/api/ping");
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
  });

  it("answers even when the configuration is broken: it does no I/O and reads no config", async () => {
    const response = await call("/api/ping", { env: envWith({ DATABASE_URL: undefined }) });
    expect(response.status).toBe(204);
  });
});

describe("GET /api/health", () => {
  it("reports the database as ok after a real query", async () => {
    const response = await call("/api/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, db: "ok", mode: "test" });
  });

  it("answers 503 when the database does not answer", async () => {
    const response = await call("/api/health", {
      env: envWith({
        DATABASE_URL: "postgresql://agentline:agentline@down.agentline.test/agentline",
        // Nothing listens on port 9 (discard) on loopback: the connection is refused.
        NEON_FETCH_ENDPOINT: "http://127.0.0.1:9/sql",
      }),
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ ok: false, db: "unreachable", mode: "test" });
  });

  it("says which mode the API runs in, so the dashboard can show a sandbox badge", async () => {
    const response = await call("/api/health", { env: envWith({ AGENTLINE_MODE: "sandbox" }) });
    expect(await response.json()).toMatchObject({ mode: "sandbox" });
  });
});
