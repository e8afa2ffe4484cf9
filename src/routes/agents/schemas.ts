/**
 * Request schemas of /api/agents (docs/architecture.md §12), from lib/schemas' shared fields and the agent's
 * LIMITS (services/agents/limits.ts). Their output is what services/agents/input.ts describes.
 */
import { z } from "zod";
import { isKnownVoice } from "../../data/voices";
import { e164Schema, multiLine, singleLine, timezoneSchema } from "../../lib/schemas";
import { LIMITS } from "../../services/agents/limits";
import { DAYS } from "../../services/assistant/business-hours";

/** Names and questions are one line; greetings, descriptions, prompts and answers may span lines. */
const line = (max: number) => singleLine.max(max, { message: `must be at most ${max} characters` });
const text = (max: number) => multiLine.max(max, { message: `must be at most ${max} characters` });
const required = <T extends z.ZodString>(schema: T) => schema.min(1, { message: "is required" });

const START = /^([01]\d|2[0-3]):[0-5]\d$/;
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

  const bookingFields = {
    enabled: z.boolean(),
    calendarId: singleLine.min(1).max(255).nullable(),
    appointmentMinutes: z.number().int().min(5, { message: "must be at least 5" }).max(480, { message: "must be at most 480" }),
    bufferMinutes: z.number().int().min(0).max(240),
    minNoticeMinutes: z.number().int().min(0).max(60 * 24 * 14),
    horizonDays: z.number().int().min(1).max(365),
    businessHours: businessHoursSchema,
    timezone: timezoneSchema,
  };

  /** On create, §12 names enabled, appointmentMinutes, businessHours and timezone; the rest have defaults. */
  const createBookingSchema = z.strictObject({
    ...bookingFields,
    calendarId: bookingFields.calendarId.optional(),
    bufferMinutes: bookingFields.bufferMinutes.optional(),
    minNoticeMinutes: bookingFields.minNoticeMinutes.optional(),
    horizonDays: bookingFields.horizonDays.optional(),
  });

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
    booking: z.strictObject(bookingFields).partial().optional(),
  });
  return { businessHoursSchema, createAgentSchema, updateAgentSchema };
}

let built: ReturnType<typeof buildAgentSchemas> | undefined;
const agentSchemas = () => (built ??= buildAgentSchemas());

export const businessHoursSchema = z.lazy(() => agentSchemas().businessHoursSchema);
export const createAgentSchema = z.lazy(() => agentSchemas().createAgentSchema);
export const updateAgentSchema = z.lazy(() => agentSchemas().updateAgentSchema);
