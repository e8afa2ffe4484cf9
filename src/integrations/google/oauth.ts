/**
 * Google's OAuth 2.0 web-server flow through google-auth-library's OAuth2Client: the consent URL
 * (offline access, forced consent, PKCE S256), the code exchange, refresh, revoke and the
 * account's e-mail (OpenID Connect userinfo). GOOGLE_OAUTH_BASE_URL points every endpoint at
 * one other host (the stand-in). Each call takes an AbortSignal: the voice tools need Google to
 * answer well inside Vapi's deadline.
 */
import type { OAuth2Client } from "google-auth-library";
import { z } from "zod";
import type { Config } from "../../config/env";
import { AppError } from "../../errors";
import { googleCall, platformFetch } from "./errors";
import { googleLibraries } from "./libraries";

export const CALENDAR_EVENTS_SCOPE = "https://www.googleapis.com/auth/calendar.events";
export const CALENDAR_FREEBUSY_SCOPE = "https://www.googleapis.com/auth/calendar.events.freebusy";
export const SPREADSHEETS_SCOPE = "https://www.googleapis.com/auth/spreadsheets";
/** The list of calendars shared with the account, so the owner can pick each staff member's (not required: ids can be typed). */
export const CALENDAR_LIST_SCOPE = "https://www.googleapis.com/auth/calendar.calendarlist.readonly";
/** What we ask for; `openid email` lets us show which account is connected. */
export const GOOGLE_SCOPES = ["openid", "email", CALENDAR_EVENTS_SCOPE, CALENDAR_FREEBUSY_SCOPE, CALENDAR_LIST_SCOPE, SPREADSHEETS_SCOPE];
/** Without these the product cannot work; a consent that unticks one is refused. */
export const REQUIRED_SCOPES = [CALENDAR_EVENTS_SCOPE, CALENDAR_FREEBUSY_SCOPE, SPREADSHEETS_SCOPE];

export interface GoogleSettings {
  clientId: string;
  clientSecret: string;
  encryptionKey: string;
  /** GOOGLE_ENCRYPTION_KEY's version, and the key of the version before it during a rotation. */
  encryptionKeyVersion: number;
  previousEncryptionKey: string | undefined;
  redirectUri: string;
  oauthBaseUrl: string | undefined;
  /** The Calendar and Sheets clients' rootUrl; undefined = Google's own hosts. */
  apiBaseUrl: string | undefined;
}

/** Google's settings, or null when a key is missing (the features answer 503). */
export function googleSettings(config: Config): GoogleSettings | null {
  if (!config.GOOGLE_CLIENT_ID || !config.GOOGLE_CLIENT_SECRET || !config.GOOGLE_ENCRYPTION_KEY) return null;
  return {
    clientId: config.GOOGLE_CLIENT_ID,
    clientSecret: config.GOOGLE_CLIENT_SECRET,
    encryptionKey: config.GOOGLE_ENCRYPTION_KEY,
    encryptionKeyVersion: config.GOOGLE_ENCRYPTION_KEY_VERSION,
    previousEncryptionKey: config.GOOGLE_ENCRYPTION_KEY_PREVIOUS,
    redirectUri: `${config.APP_URL}/api/auth/google/callback`,
    oauthBaseUrl: config.GOOGLE_OAUTH_BASE_URL,
    apiBaseUrl: config.GOOGLE_API_BASE_URL,
  };
}

export function requireGoogleSettings(config: Config): GoogleSettings {
  const settings = googleSettings(config);
  if (!settings) {
    throw new AppError(
      "service_not_configured",
      "Google is not configured on this server (set GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET and GOOGLE_ENCRYPTION_KEY).",
    );
  }
  return settings;
}

function endpoints(base: string | undefined) {
  const root = base?.replace(/\/+$/, "");
  return {
    oauth2AuthBaseUrl: root ? `${root}/o/oauth2/v2/auth` : "https://accounts.google.com/o/oauth2/v2/auth",
    oauth2TokenUrl: root ? `${root}/token` : "https://oauth2.googleapis.com/token",
    oauth2RevokeUrl: root ? `${root}/revoke` : "https://oauth2.googleapis.com/revoke",
    userinfo: root ? `${root}/v1/userinfo` : "https://openidconnect.googleapis.com/v1/userinfo",
  };
}

export async function oauthClient(settings: GoogleSettings, signal?: AbortSignal): Promise<OAuth2Client> {
  const { userinfo: _userinfo, ...urls } = endpoints(settings.oauthBaseUrl);
  return (await googleLibraries()).newOAuth2Client({
    clientId: settings.clientId,
    clientSecret: settings.clientSecret,
    redirectUri: settings.redirectUri,
    endpoints: urls,
    transporterOptions: { fetchImplementation: platformFetch, ...(signal ? { signal } : {}) },
  });
}

/** The consent screen's URL and the PKCE verifier to keep until the callback. */
export async function consentUrl(settings: GoogleSettings, state: string) {
  const client = await oauthClient(settings);
  const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
  const url = client.generateAuthUrl({
    access_type: "offline",
    prompt: "consent",
    scope: GOOGLE_SCOPES,
    include_granted_scopes: true,
    state,
    code_challenge: codeChallenge,
    code_challenge_method: "S256" as never,
  });
  return { url, codeVerifier };
}

// Google's answers are parsed with schemas built on first use (z.lazy), not at startup (ADR 0900).
const tokenAnswer = z.lazy(() =>
  z.object({
    access_token: z.string().min(1),
    refresh_token: z.string().min(1).optional().nullable(),
    expiry_date: z.number().optional().nullable(),
    scope: z.string().optional().nullable(),
  }),
);

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string | null;
  /** Milliseconds the access token lives, from now. */
  expiresInMs: number;
  scopes: string[];
}

function toIssued(raw: unknown): IssuedTokens {
  const tokens = tokenAnswer.parse(raw);
  return {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token ?? null,
    expiresInMs: Math.max(0, (tokens.expiry_date ?? Date.now() + 3600_000) - Date.now()),
    scopes: tokens.scope ? tokens.scope.split(/\s+/).filter(Boolean) : [],
  };
}

export async function exchangeCode(settings: GoogleSettings, code: string, codeVerifier: string, signal?: AbortSignal) {
  const { tokens } = await googleCall(async () => (await oauthClient(settings, signal)).getToken({ code, codeVerifier, redirect_uri: settings.redirectUri }));
  return toIssued(tokens);
}

export async function refreshAccessToken(settings: GoogleSettings, refreshToken: string, signal?: AbortSignal) {
  const client = await oauthClient(settings, signal);
  client.setCredentials({ refresh_token: refreshToken });
  const { credentials } = await googleCall(() => client.refreshAccessToken());
  return toIssued({ ...credentials, refresh_token: credentials.refresh_token === refreshToken ? null : credentials.refresh_token });
}

export async function revokeToken(settings: GoogleSettings, token: string, signal?: AbortSignal) {
  await googleCall(async () => (await oauthClient(settings, signal)).revokeToken(token));
}

const userinfoAnswer = z.lazy(() => z.object({ email: z.string().min(1), sub: z.string().optional() }));

/** The connected account's e-mail, from OpenID Connect userinfo. */
export async function fetchAccountEmail(settings: GoogleSettings, accessToken: string, signal?: AbortSignal): Promise<string> {
  const client = await oauthClient(settings, signal);
  client.setCredentials({ access_token: accessToken });
  const response = await googleCall(() => client.request({ url: endpoints(settings.oauthBaseUrl).userinfo, method: "GET" }));
  return userinfoAnswer.parse(response.data).email;
}

/** An AbortSignal that fires after `timeoutMs` or when `outer` does, whichever comes first. */
export function deadline(timeoutMs: number, outer?: AbortSignal): AbortSignal {
  const timer = AbortSignal.timeout(timeoutMs);
  return outer ? AbortSignal.any([timer, outer]) : timer;
}
