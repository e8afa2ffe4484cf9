/**
 * Query schemas of the calls API (docs/architecture.md §12): the call list's filters and page, the stats range
 * (at most MAX_STATS_DAYS), the insights filters. Built on the first request that validates one,
 * not at startup (lib/first-use.ts, ADR 0900).
 */
import { z } from "zod";
import { cursorParam, limitParam } from "../../lib/cursor";
import { firstUse } from "../../lib/first-use";
import { multiLine, singleLine } from "../../lib/schemas";
import { addDays, MAX_STATS_DAYS } from "../../services/calls/stats";

const built = firstUse(() => {
  /** A moment: a full ISO date-time, or a date meaning its start in UTC. */
  const instant = z
    .string()
    .trim()
    .refine((value) => /^\d{4}-\d\d-\d\d(T[\d:.]+(Z|[+-]\d\d:\d\d))?$/.test(value) && !Number.isNaN(Date.parse(value)), {
      message: "must be an ISO 8601 date or date-time",
    })
    .transform((value) => new Date(value))
    .optional();
  const uuid = z.uuid({ message: "must be an agent id" }).optional();

  const callListQuery = z
    .object({
      agentId: uuid,
      status: z.enum(["scheduled", "queued", "ringing", "in-progress", "forwarding", "ended", "refused"]).optional(),
      from: instant,
      to: instant,
      followUp: z.enum(["open", "done"], { message: "must be open or done" }).optional(),
      booked: z.literal("true", { message: "must be true (leave it out for every call)" }).transform(() => true as const).optional(),
      /** Caller name, number or words of the summary (services/calls/search.ts). */
      q: singleLine.min(2, { message: "must be at least 2 characters" }).max(100, { message: "must be at most 100 characters" }).optional(),
      limit: limitParam(20),
      cursor: cursorParam,
    })
    .superRefine((query, ctx) => {
      // An impossible range is the caller's mistake, said as such, not an empty page.
      if (query.from && query.to && query.from.getTime() >= query.to.getTime()) ctx.addIssue({ code: "custom", path: ["from"], message: "must be before to" });
    });

  const day = z.iso.date({ message: "must be a date YYYY-MM-DD" }).optional();
  const statsQuery = z.object({ from: day, to: day }).superRefine((query, ctx) => {
    if (query.from && query.to && query.from > query.to) ctx.addIssue({ code: "custom", path: ["from"], message: "must not be after to" });
    if (query.from && query.to && addDays(query.from, MAX_STATS_DAYS - 1) < query.to) {
      ctx.addIssue({ code: "custom", path: ["to"], message: `the range may span at most ${MAX_STATS_DAYS} days` });
    }
  });
  const insightsQuery = z.object({ agentId: uuid, from: instant, to: instant });

  const followUpBody = z
    .object({
      followUp: z.enum(["open", "done"], { message: "must be open or done" }),
      note: multiLine.max(2000, { message: "must be at most 2,000 characters" }).nullable().optional(),
    })
    .strict();
  const dismissBody = z.object({ text: singleLine.min(1, { message: "is required" }).max(500, { message: "must be at most 500 characters" }) }).strict();

  return { callListQuery, statsQuery, insightsQuery, followUpBody, dismissBody };
});
export const callListQuery = z.lazy(() => built().callListQuery);
export const statsQuery = z.lazy(() => built().statsQuery);
export const insightsQuery = z.lazy(() => built().insightsQuery);
export const followUpBody = z.lazy(() => built().followUpBody);
export const dismissBody = z.lazy(() => built().dismissBody);
