/**
 * The calendars the business's Google connection can see, for the owner to pick each staff
 * member's (GET /api/google/calendars): only those it may write to can take bookings. A
 * connection made before we asked for the calendar list answers 403 from Google: the owner is
 * told to reconnect, and can still type a calendar id meanwhile.
 */
import { AppError } from "../../errors";
import { listCalendars } from "../../integrations/google/calendar";
import { GoogleApiError } from "../../integrations/google/errors";
import { deadline } from "../../integrations/google/oauth";
import { DEFAULT_TIMEOUT_MS } from "./availability";
import { googleAccess } from "./connection";
import { failureError, type GoogleDeps, guarded } from "./results";

export async function listCalendarsFor(deps: GoogleDeps, businessId: string) {
  const result = await guarded(deps, "calendar list", async () => {
    const access = await googleAccess(deps, businessId, deadline(DEFAULT_TIMEOUT_MS));
    try {
      const calendars = await listCalendars(access);
      return { ok: true as const, calendars: calendars.map((calendar) => ({ ...calendar, bookable: calendar.accessRole === "owner" || calendar.accessRole === "writer" })) };
    } catch (error) {
      if (error instanceof GoogleApiError && (error.status === 403 || error.kind === "unauthorized")) {
        throw new AppError("google_not_connected", "Reconnect Google on the Integrations page to list your calendars (Agentline now asks to see the calendar list); you can type a calendar id meanwhile.");
      }
      throw error;
    }
  });
  if (!result.ok) throw failureError(result);
  return result.calendars;
}
