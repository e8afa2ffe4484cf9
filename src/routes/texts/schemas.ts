/** Schemas of the texts API (docs/architecture.md §12): the list's filters and page, an owner's reply. Built on first use (ADR 0900). */
import { z } from "zod";
import { cursorParam, limitParam } from "../../lib/cursor";
import { firstUse } from "../../lib/first-use";
import { e164Schema, multiLine } from "../../lib/schemas";

const built = firstUse(() => ({
  textListQuery: z.object({
    number: e164Schema.optional(),
    callId: z.uuid({ message: "must be a call id" }).optional(),
    bookingId: z.uuid({ message: "must be a booking id" }).optional(),
    limit: limitParam(50),
    cursor: cursorParam,
  }),
  sendTextBody: z.strictObject({
    to: e164Schema,
    body: multiLine.min(1, { message: "must not be empty" }).max(1600, { message: "must be at most 1600 characters (Twilio's limit)" }),
  }),
}));
export const textListQuery = z.lazy(() => built().textListQuery);
export const sendTextBody = z.lazy(() => built().sendTextBody);
