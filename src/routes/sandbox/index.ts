/**
 * The sandbox page (docs/architecture.md §9): in sandbox mode only, `GET /sandbox` shows what the stand-ins
 * received — the SMTP inbox, the Google Sheets rows and the Calendar events — and
 * `GET /api/sandbox` answers the same as JSON, plus where the Vapi stand-in is (`vapi.baseUrl`:
 * `npm run simulate:call` tells it about the calls it plays, so reconciliation's `GET /call/{id}`
 * can be tried) and the sample business website (`sampleWebsite.url`, for the website import). Anywhere else (production, tests) both are a
 * plain 404: the page shows every e-mail of every user, reset links included, which is what a
 * developer's local sandbox is for and what no deployed server may ever do.
 */
import { Hono } from "hono";
import { loadConfig } from "../../config/env";
import { AppError } from "../../errors";
import type { HonoEnv } from "../../hono-env";
import { readSandbox } from "../../services/sandbox/read";
import { renderSandboxPage } from "./page";

function requireSandbox(env: HonoEnv["Bindings"], path: string) {
  const config = loadConfig(env);
  if (config.AGENTLINE_MODE !== "sandbox") throw new AppError("not_found", `No route for GET ${path}`);
  return config;
}

/** Mounted at "/" (the page) and "/api" (the JSON), outside the API's init and origin checks: both are reads. */
export const sandboxPageRoutes = new Hono<HonoEnv>().get("/sandbox", async (c) => {
  const config = requireSandbox(c.env, "/sandbox");
  return c.html(renderSandboxPage(await readSandbox(config)));
});

export const sandboxApiRoutes = new Hono<HonoEnv>().get("/sandbox", async (c) => {
  const config = requireSandbox(c.env, "/api/sandbox");
  // The sample business website (the website import's stand-in) is the host the import may read over http.
  const sampleHost = config.WEB_IMPORT_ALLOW_HOSTS[0];
  const sampleWebsite = { url: sampleHost ? `http://${sampleHost}/` : null };
  return c.json({ ...(await readSandbox(config)), vapi: { baseUrl: config.VAPI_BASE_URL }, twilio: { baseUrl: config.TWILIO_BASE_URL }, sampleWebsite }, 200);
});
