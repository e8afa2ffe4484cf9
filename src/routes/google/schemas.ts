/**
 * Request schemas of the calendar routes (docs/architecture.md §12), built from lib/schemas' shared fields so
 * a booking's name is one line and its notes hold no control characters, like every other text
 * the API takes (docs/architecture.md §13). Built on first use (lib/first-use.ts, ADR 0900).
 */
import { z } from "zod";
import { firstUse } from "../../lib/first-use";
import { multiLine, singleLine } from "../../lib/schemas";

const built = firstUse(() => {
  const instant = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with a UTC offset" });
  /** A service or staff member of the agent's booking settings, by id (or name). */
  const choice = singleLine.min(1).max(100).optional();
  const availabilityQuery = z.object({
    agentId: z.string(),
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: "must be a date YYYY-MM-DD" }),
    service: choice,
    staff: choice,
  });
  const bookBody = z.strictObject({
    agentId: z.string(),
    start: instant,
    name: singleLine.min(1).max(100),
    phone: z.string().trim().regex(/^\+?[0-9 ()-]{7,20}$/, { message: "must be a phone number" }).optional(),
    email: z.email().max(254).optional(),
    notes: multiLine.min(1).max(1000).optional(),
    service: choice,
    staff: choice,
  });
  const appointmentsQuery = z.object({ agentId: z.string(), from: instant.optional(), to: instant.optional() });
  return { availabilityQuery, bookBody, appointmentsQuery };
});

export const availabilityQuery = z.lazy(() => built().availabilityQuery);
export const bookBody = z.lazy(() => built().bookBody);
export const appointmentsQuery = z.lazy(() => built().appointmentsQuery);
