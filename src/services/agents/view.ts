/** An agent row as the API shows it (docs/architecture.md §12): camelCase, booking grouped, ISO times. */
import { type agents, DEFAULT_TEXTING } from "../../db/schema";
import { normalizeBusinessHours } from "../assistant/business-hours";
import { firstWords } from "../assistant/disclosure";
import { literal } from "../assistant/system-prompt";
import type { AgentState } from "./state";

export type Agent = typeof agents.$inferSelect;

export function agentJson(agent: Agent, state: AgentState) {
  return {
    id: agent.id,
    name: agent.name,
    status: agent.status,
    /** Read-only: what callers get right now, and so what the owner should do (services/agents/state.ts). */
    state,
    greeting: agent.greeting,
    businessDescription: agent.businessDescription,
    systemPrompt: agent.systemPrompt,
    faq: agent.faq,
    policies: agent.policies,
    voice: { provider: agent.voiceProvider, voiceId: agent.voiceId },
    transferNumber: agent.transferNumber,
    booking: {
      enabled: agent.bookingEnabled,
      calendarId: agent.calendarId,
      appointmentMinutes: agent.appointmentMinutes,
      bufferMinutes: agent.bufferMinutes,
      minNoticeMinutes: agent.minNoticeMinutes,
      horizonDays: agent.horizonDays,
      businessHours: normalizeBusinessHours(agent.businessHours),
      timezone: agent.timezone,
      services: agent.bookingServices ?? [],
      staff: agent.bookingStaff ?? [],
      closures: agent.bookingClosures ?? [],
    },
    sheetsLogging: agent.sheetsLogging,
    notify: agent.notify,
    recordingEnabled: agent.recordingEnabled,
    texting: { ...DEFAULT_TEXTING, ...agent.texting },
    /** What callers are told before the greeting (docs/architecture.md §12): always that it is an AI, and whether it records. */
    disclosure: { ai: true as const, recording: agent.recordingEnabled },
    /** Exactly what callers hear first: the disclosure, then the greeting (ADR 0121). */
    firstMessage: firstWords({ greeting: literal(agent.greeting), recordingEnabled: agent.recordingEnabled }),
    vapiAssistantId: agent.vapiAssistantId,
    createdAt: agent.createdAt.toISOString(),
    updatedAt: agent.updatedAt.toISOString(),
  };
}

export type AgentJson = ReturnType<typeof agentJson>;
