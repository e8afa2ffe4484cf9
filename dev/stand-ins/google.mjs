/**
 * A stand-in for the Google services Agentline uses, on one host (so GOOGLE_OAUTH_BASE_URL and
 * GOOGLE_API_BASE_URL can both point at it), speaking Google's wire formats:
 *
 *   OAuth 2.0 (google-oauth.mjs)   GET /o/oauth2/v2/auth (a consent page with Allow and Deny),
 *                                  POST /token (authorization_code with PKCE, refresh_token),
 *                                  POST /revoke, GET /v1/userinfo
 *   Calendar v3 (google-calendar.mjs)  POST /calendar/v3/freeBusy, events insert/list/get/patch/delete
 *                                  with extendedProperties.private and the privateExtendedProperty filter
 *   Sheets v4 (google-sheets.mjs)  POST /v4/spreadsheets, GET /v4/spreadsheets/:id, values append/get;
 *                                  Drive v3 DELETE /drive/v3/files/:id (how a spreadsheet disappears)
 *
 * API errors are `{error: {code, message, errors: [{domain, reason, message}], status}}`, OAuth
 * errors `{error, error_description}`. Faults (invalid_grant, 429, 5xx, delays) are scripted
 * through the kit's control API. The whole state is one JSON object (`GET /__control/state`),
 * kept by the kit in `<dataDir>/google.json` (kit.mjs "Kept state"), so the sandbox keeps its
 * calendar, spreadsheets and grants across restarts.
 */

import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { calendarRoutes } from "./google-calendar.mjs";
import { oauthRoutes } from "./google-oauth.mjs";
import { sheetsRoutes } from "./google-sheets.mjs";
import { openState, startStandIn } from "./kit.mjs";

/** The OAuth client the sandbox worker is registered as. */
export const GOOGLE_SANDBOX_CLIENT_ID = "agentline-sandbox.apps.googleusercontent.com";
export const GOOGLE_SANDBOX_CLIENT_SECRET = "GOCSPX-agentline-sandbox-secret";
/** The Google account behind the consent page. */
export const GOOGLE_SANDBOX_ACCOUNT = { sub: "104200000000000000001", email: "owner.sandbox@gmail.com", name: "Sandbox Owner" };

/** @returns {import("./google-common.mjs").GoogleState} */
export function emptyGoogleState() {
  return {
    accounts: [GOOGLE_SANDBOX_ACCOUNT],
    codes: {},
    refreshTokens: {},
    accessTokens: {},
    calendars: {},
    spreadsheets: {},
  };
}


/**
 * @param {{ port?: number, dataDir?: string | null, clientId?: string, clientSecret?: string }} [options]
 */
export async function startGoogleStandIn({ port = 0, dataDir = null, clientId = GOOGLE_SANDBOX_CLIENT_ID, clientSecret = GOOGLE_SANDBOX_CLIENT_SECRET } = {}) {
  // One JSON object, kept in <dataDir>/google.json by the kit (kit.mjs "Kept state").
  const { data: state, save } = openState({ dataDir, name: "google", initial: emptyGoogleState });
  /** Saves after every request that may have changed the state. */
  const persisting = (routes) =>
    routes.map((route) =>
      route.method === "GET" && !/\/auth$/.test(String(route.path))
        ? route
        : { ...route, handle: async (req) => { const response = await route.handle(req); save(); return response; } },
    );
  const client = { clientId, clientSecret };
  const running = await startStandIn({
    name: "google",
    port,
    routes: persisting([...oauthRoutes(state, client), ...calendarRoutes(state), ...sheetsRoutes(state)]),
    state: () => state,
  });
  return { ...running, clientId, clientSecret, state, encryptionKey: sandboxEncryptionKey(dataDir) };
}

/**
 * The worker's GOOGLE_ENCRYPTION_KEY in the sandbox: generated once and kept beside the stand-in's
 * data, so tokens stored in .data/ stay readable after a restart (a fresh one per run without).
 */
function sandboxEncryptionKey(dataDir) {
  const file = dataDir ? path.join(dataDir, "google-encryption.key") : null;
  if (file && fs.existsSync(file)) return fs.readFileSync(file, "utf8").trim();
  const key = randomBytes(32).toString("hex");
  if (file) fs.writeFileSync(file, key, { mode: 0o600 });
  return key;
}

/** The registry entry (dev/stand-ins/index.mjs). */
export const googleStandIn = {
  name: "google",
  overrideVariable: "GOOGLE_API_BASE_URL",
  realKeyVariable: "GOOGLE_CLIENT_ID",
  /** @param {{ port?: number, dataDir?: string | null }} [options] */
  start: ({ port, dataDir } = {}) => startGoogleStandIn({ port, dataDir }),
  /** @param {{ url: string, encryptionKey?: string }} running */
  bindings: (running) => ({
    GOOGLE_ENCRYPTION_KEY: /** @type {string} */ (running.encryptionKey),
    GOOGLE_OAUTH_BASE_URL: running.url,
    GOOGLE_API_BASE_URL: running.url,
    GOOGLE_CLIENT_ID: GOOGLE_SANDBOX_CLIENT_ID,
    GOOGLE_CLIENT_SECRET: GOOGLE_SANDBOX_CLIENT_SECRET,
  }),
};
