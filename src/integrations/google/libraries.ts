/**
 * Google's client libraries, loaded on first use. Evaluating google-auth-library and the
 * generated Calendar and Sheets clients costs more start-up CPU than the rest of the worker
 * (measured with `wrangler check startup`); requests that never talk to Google should not pay it.
 */

import type { calendar_v3 } from "@googleapis/calendar";
import type { sheets_v4 } from "@googleapis/sheets";
import type { OAuth2Client, OAuth2ClientOptions } from "google-auth-library";

export interface GoogleLibraries {
  newOAuth2Client: (options?: OAuth2ClientOptions) => OAuth2Client;
  calendar: (options: calendar_v3.Options) => calendar_v3.Calendar;
  sheets: (options: sheets_v4.Options) => sheets_v4.Sheets;
}

let loading: Promise<GoogleLibraries> | undefined;

export function googleLibraries(): Promise<GoogleLibraries> {
  loading ??= Promise.all([import("google-auth-library"), import("@googleapis/calendar"), import("@googleapis/sheets")]).then(([auth, calendar, sheets]) => ({
    newOAuth2Client: (options) => new auth.OAuth2Client(options),
    calendar: (options) => calendar.calendar(options),
    sheets: (options) => sheets.sheets(options),
  }));
  return loading;
}
