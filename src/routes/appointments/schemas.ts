/**
 * Request schemas of /api/appointments (docs/architecture.md §12): the list's filters and page,
 * and a move's new start. Built on first use (lib/first-use.ts, ADR 0900).
 */
import { z } from "zod";
import { cursorParam, limitParam } from "../../lib/cursor";
import { firstUse } from "../../lib/first-use";
import { singleLine } from "../../lib/schemas";
import { BOOKING_STATUSES } from "../../services/google";

const built = firstUse(() => {
  const instant = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time with a UTC offset" });
  const listQuery = z
    .object({
      agentId: z.uuid({ message: "must be an agent id" }).optional(),
      staffId: singleLine.min(1).max(40).optional(),
      from: instant.transform((value) => new Date(value)).optional(),
      to: instant.transform((value) => new Date(value)).optional(),
      status: z.enum(BOOKING_STATUSES, { message: `must be one of ${BOOKING_STATUSES.join(", ")}` }).optional(),
      order: z.enum(["asc", "desc"], { message: "must be asc (earliest first) or desc (latest first)" }).optional(),
      limit: limitParam(50, 200),
      cursor: cursorParam,
    })
    .refine((query) => !query.from || !query.to || query.from < query.to, { message: "must be after from", path: ["to"] });
  const moveBody = z.strictObject({ start: instant });
  return { listQuery, moveBody };
});

export const appointmentListQuery = z.lazy(() => built().listQuery);
export const appointmentMoveBody = z.lazy(() => built().moveBody);
