/**
 * Google's SDKs (google-auth-library, @googleapis/calendar, @googleapis/sheets), loaded on first
 * use: together they are the largest module graph in the bundle, and evaluating it at startup
 * would spend most of the 50 ms budget in every isolate, including the many that never talk to
 * Google (docs/decisions/0900-startup-budget.md).
 */
export interface GoogleSdk {
  OAuth2Client: typeof import("google-auth-library").OAuth2Client;
  calendar: typeof import("@googleapis/calendar").calendar;
  sheets: typeof import("@googleapis/sheets").sheets;
}

let loading: Promise<GoogleSdk> | undefined;

export function googleSdk(): Promise<GoogleSdk> {
  loading ??= Promise.all([import("google-auth-library"), import("@googleapis/calendar"), import("@googleapis/sheets")]).then(([auth, calendarApi, sheetsApi]) => ({
    OAuth2Client: auth.OAuth2Client,
    calendar: calendarApi.calendar,
    sheets: sheetsApi.sheets,
  }));
  return loading;
}
