/**
 * Request schemas of /api/agents (docs/architecture.md §12), from lib/schemas' shared fields and the agent's
 * LIMITS (services/agents/limits.ts). Their output is what services/agents/input.ts describes.
 */
import { z } from "zod";
import { isKnownVoice } from "../../data/voices";
import { e164Schema, multiLine, singleLine, timezoneSchema } from "../../lib/schemas";
import { CATALOG_LIMITS, catalogIssues } from "../../services/agents/booking-catalog";
import { LIMITS } from "../../services/agents/limits";
import { DAYS } from "../../services/assistant/business-hours";

/** Names and questions are one line; greetings, descriptions, prompts and answers may span lines. */
const line = (max: number) => singleLine.max(max, { message: `must be at most ${max} characters` });
const text = (max: number) => multiLine.max(max, { message: `must be at most ${max} characters` });
const required = <T extends z.ZodString>(schema: T) => schema.min(1, { message: "is required" });

const START = /^([01]\d|2[0-3]):[0-5]\d$/;
const ITEM_ID = /^[A-Za-z0-9_-]{1,40}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar date (2030-02-30 is not one). */
function isRealDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
const END = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/**
 * The schemas are built on first use, not at module scope: zod's construction of them is a
 * measurable share of the worker's startup (docs/decisions/0900-startup-budget.md), and an
 * isolate that only answers webhooks never needs them.
 */
function buildAgentSchemas() {
  const timeRange = z
    .strictObject({
      start: singleLine.regex(START, { message: "must be a time HH:MM between 00:00 and 23:59" }),
      end: singleLine.regex(END, { message: "must be a time HH:MM between 00:01 and 24:00" }),
    })
    .refine((range) => range.start < range.end, { message: "start must be before end", path: ["end"] });

  const dayRanges = z
    .array(timeRange)
    .max(LIMITS.rangesPerDay, { message: `at most ${LIMITS.rangesPerDay} ranges a day` })
    .superRefine((ranges, ctx) => {
      const sorted = ranges.map((range, index) => ({ ...range, index })).sort((a, b) => a.start.localeCompare(b.start));
      for (let i = 1; i < sorted.length; i += 1) {
        const previous = sorted[i - 1];
        const current = sorted[i];
        if (previous && current && current.start < previous.end) {
          ctx.addIssue({
            code: "custom",
            path: [current.index],
            message: `overlaps ${previous.start}–${previous.end}`,
          });
        }
      }
    });

  const businessHoursSchema = z.strictObject(
    Object.fromEntries(DAYS.map((day) => [day, dayRanges.optional()])) as Record<(typeof DAYS)[number], z.ZodOptional<typeof dayRanges>>,
  );

  const faqSchema = z
    .array(z.strictObject({ question: required(line(LIMITS.question)), answer: required(text(LIMITS.answer)) }))
    .max(LIMITS.faqPairs, { message: `at most ${LIMITS.faqPairs} questions` });

  const voiceSchema = z
    .strictObject({ provider: singleLine.min(1).max(40), voiceId: singleLine.min(1).max(100) })
    .refine((voice) => isKnownVoice(voice.provider, voice.voiceId), { message: "must be one of the voices from GET /api/voices" });

  const itemId = singleLine.regex(ITEM_ID, { message: "must be 1–40 letters, digits, - or _" });
  const itemName = required(line(CATALOG_LIMITS.name));
  const { serviceMinutes } = CATALOG_LIMITS;
  const serviceSchema = z.strictObject({
    id: itemId.optional(),
    name: itemName,
    minutes: z
      .number({ message: "must be a number of minutes" })
      .int({ message: "must be a whole number of minutes" })
      .min(serviceMinutes.min, { message: `must be at least ${serviceMinutes.min}` })
      .max(serviceMinutes.max, { message: `must be at most ${serviceMinutes.max}` }),
    priceCents: z.number().int({ message: "must be a whole number of cents" }).min(0, { message: "must not be negative" }).max(CATALOG_LIMITS.priceCents).optional(),
    staffIds: z.array(itemId).max(CATALOG_LIMITS.staff, { message: `at most ${CATALOG_LIMITS.staff} staff` }).optional(),
  });
  const staffSchema = z.strictObject({
    id: itemId.optional(),
    name: itemName,
    calendarId: required(line(255)),
    businessHours: businessHoursSchema.optional(),
  });
  const day = singleLine.regex(DATE, { message: "must be a date YYYY-MM-DD" }).refine(isRealDate, { message: "must be a real date" });
  const closureSchema = z
    .strictObject({ from: day, to: day, reason: line(CATALOG_LIMITS.reason).optional() })
    .refine((closure) => closure.from <= closure.to, { message: "must not be before from", path: ["to"] })
    .refine((closure) => (Date.parse(closure.to) - Date.parse(closure.from)) / 86_400_000 < CATALOG_LIMITS.closureDays, {
      message: `a closure may span at most ${CATALOG_LIMITS.closureDays} days`,
      path: ["to"],
    });

  const bookingFields = {
    enabled: z.boolean(),
    calendarId: singleLine.min(1).max(255).nullable(),
    appointmentMinutes: z.number().int().min(5, { message: "must be at least 5" }).max(480, { message: "must be at most 480" }),
    bufferMinutes: z.number().int().min(0).max(240),
    minNoticeMinutes: z.number().int().min(0).max(60 * 24 * 14),
    horizonDays: z.number().int().min(1).max(365),
    businessHours: businessHoursSchema,
    timezone: timezoneSchema,
    services: z.array(serviceSchema).max(CATALOG_LIMITS.services, { message: `at most ${CATALOG_LIMITS.services} services` }),
    staff: z.array(staffSchema).max(CATALOG_LIMITS.staff, { message: `at most ${CATALOG_LIMITS.staff} staff members` }),
    closures: z.array(closureSchema).max(CATALOG_LIMITS.closures, { message: `at most ${CATALOG_LIMITS.closures} closures` }),
  };

  /**
   * Services and staff checked together when the request sends both (duplicates, unknown staff
   * ids); a PATCH sending one of them is checked against the stored other by the service.
   */
  const crossChecked = <T extends { services?: z.infer<typeof serviceSchema>[] | undefined; staff?: z.infer<typeof staffSchema>[] | undefined }>(booking: T, ctx: z.RefinementCtx) => {
    const issues = catalogIssues({ services: booking.services ?? [], staff: booking.staff ?? [] });
    for (const issue of issues) {
      if (booking.services === undefined || booking.staff === undefined) {
        if (issue.message.startsWith("no staff member")) continue;
      }
      ctx.addIssue({ code: "custom", path: issue.path.split(".").slice(1).map((part) => (/^\d+$/.test(part) ? Number(part) : part)), message: issue.message });
    }
  };

  /** On create, §12 names enabled, appointmentMinutes, businessHours and timezone; the rest have defaults. */
  const createBookingSchema = z.strictObject({
    ...bookingFields,
    calendarId: bookingFields.calendarId.optional(),
    bufferMinutes: bookingFields.bufferMinutes.optional(),
    minNoticeMinutes: bookingFields.minNoticeMinutes.optional(),
    horizonDays: bookingFields.horizonDays.optional(),
    services: bookingFields.services.optional(),
    staff: bookingFields.staff.optional(),
    closures: bookingFields.closures.optional(),
  }).superRefine(crossChecked);

  const statusSchema = z.enum(["active", "paused"], { message: "must be active or paused" });

  const textingSchema = z
    .strictObject({
      confirmations: z.boolean(),
      reminders: z
        .array(z.enum(["24h", "2h"], { message: "must be 24h or 2h" }))
        .max(2)
        .refine((list) => new Set(list).size === list.length, { message: "must not name a reminder twice" }),
      missedCallTextBack: z.boolean(),
      ownerAlerts: z.boolean(),
    })
    .partial();

  const createAgentSchema = z.strictObject({
    name: required(line(LIMITS.name)),
    greeting: required(text(LIMITS.greeting)),
    businessDescription: text(LIMITS.text).optional(),
    systemPrompt: text(LIMITS.text).optional(),
    faq: faqSchema.optional(),
    policies: text(LIMITS.text).optional(),
    voice: voiceSchema.optional(),
    transferNumber: e164Schema.nullable().optional(),
    booking: createBookingSchema.optional(),
    sheetsLogging: z.boolean().optional(),
    /** Which calls the owner is e-mailed about (important = booked, follow-up needed, or refused). */
    notify: z.enum(["all", "important", "none"], { message: "must be all, important or none" }).optional(),
    /** Whether Vapi records the calls (default true); the disclosure callers hear follows it. */
    recordingEnabled: z.boolean().optional(),
    /** What the receptionist texts callers (docs/architecture.md §7b); each field left out keeps its value. */
    texting: textingSchema.optional(),
    status: statusSchema.optional(),
  });

  /** PATCH names only what changes; `booking` merges into the current settings. */
  const updateAgentSchema = createAgentSchema.partial().extend({
    booking: z.strictObject(bookingFields).partial().superRefine(crossChecked).optional(),
  });
  return { businessHoursSchema, createAgentSchema, updateAgentSchema };
}

let built: ReturnType<typeof buildAgentSchemas> | undefined;
const agentSchemas = () => (built ??= buildAgentSchemas());

export const businessHoursSchema = z.lazy(() => agentSchemas().businessHoursSchema);
export const createAgentSchema = z.lazy(() => agentSchemas().createAgentSchema);
export const updateAgentSchema = z.lazy(() => agentSchemas().updateAgentSchema);
