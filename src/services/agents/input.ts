/**
 * What createAgent and updateAgent take: a request already validated by routes/agents/schemas.ts
 * (whose output the route passes here, so the compiler holds the two in step). Services know no
 * HTTP, so the shape is written out here rather than inferred from the route's schema.
 */
import type { TextingSettings } from "../../db/schema";
import type { Day, TimeRange } from "../assistant/business-hours";
import type { CatalogInput } from "./booking-catalog";

export interface AgentBookingInput {
  enabled: boolean;
  calendarId?: string | null | undefined;
  appointmentMinutes: number;
  bufferMinutes?: number | undefined;
  minNoticeMinutes?: number | undefined;
  horizonDays?: number | undefined;
  /** A missing or empty day is closed. */
  businessHours: Partial<Record<Day, TimeRange[] | undefined>>;
  timezone: string;
  services?: CatalogInput["services"];
  staff?: CatalogInput["staff"];
  closures?: CatalogInput["closures"];
}

export interface CreateAgentInput {
  name: string;
  greeting: string;
  businessDescription?: string | undefined;
  systemPrompt?: string | undefined;
  faq?: { question: string; answer: string }[] | undefined;
  policies?: string | undefined;
  voice?: { provider: string; voiceId: string } | undefined;
  transferNumber?: string | null | undefined;
  booking?: AgentBookingInput | undefined;
  sheetsLogging?: boolean | undefined;
  /** Which calls the owner is e-mailed about (important = booked, follow-up needed, or refused). */
  notify?: "all" | "important" | "none" | undefined;
  /** Whether Vapi records the calls (default true); the disclosure callers hear follows it. */
  recordingEnabled?: boolean | undefined;
  /** What the receptionist texts callers; fields left out keep their value (or the default). */
  texting?: Partial<TextingSettings> | undefined;
  status?: "active" | "paused" | undefined;
}

/** PATCH names only what changes; `booking` merges into the current settings. */
export type UpdateAgentInput = Partial<Omit<CreateAgentInput, "booking">> & { booking?: Partial<AgentBookingInput> | undefined };
