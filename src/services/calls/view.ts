/** A call as the API shows it (docs/architecture.md §12): the list item, and the detail with the conversation. */
import type { calls } from "../../db/schema";
import { readCallStructuredData } from "../../integrations/vapi/structured-data";
import { followUpOf } from "./follow-ups";

export type CallRow = typeof calls.$inferSelect;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/**
 * `retainedUntil`: when the retention sweep deletes the call's transcript, messages, summary and
 * recording (ADR 1111), from the business's retention days; `artifactsDeletedAt` once it has.
 */
export interface Retention {
  retentionDays: number;
}

/** When a call's conversation goes: its creation plus the business's retention days (the sweep's rule, services/data-rights/retention.ts). */
export function retainedUntil(createdAt: Date, retentionDays: number): Date {
  return new Date(createdAt.getTime() + retentionDays * 86_400_000);
}

export function callJson(row: CallRow, retention?: Retention) {
  const data = readCallStructuredData(row.structuredData);
  return {
    id: row.id,
    agentId: row.agentId,
    phoneNumberId: row.phoneNumberId,
    vapiCallId: row.vapiCallId,
    customerNumber: row.customerNumber,
    callerName: data.callerName,
    status: row.status,
    refusedReason: row.refusedReason,
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    durationSeconds: row.durationSeconds,
    endedReason: row.endedReason,
    summary: row.summary,
    creditsCharged: row.creditsCharged,
    /** open / done / null (services/calls/follow-ups.ts), the note, and when it was last changed. */
    followUp: followUpOf(row),
    followUpNote: row.followUpNote,
    followUpAt: iso(row.followUpAt),
    booked: row.events.some((event) => event.kind === "booked") || data.appointmentBooked,
    createdAt: row.createdAt.toISOString(),
    retainedUntil: retention ? retainedUntil(row.createdAt, retention.retentionDays).toISOString() : null,
    artifactsDeletedAt: iso(row.artifactsDeletedAt),
  };
}

/** The conversation: the report's messages once it is in, else what was streamed live. */
export function conversation(row: CallRow): { role: "assistant" | "user"; text: string; at: string | null }[] {
  if (row.messages?.length) {
    return row.messages.flatMap((message) => {
      const role = message.role === "bot" || message.role === "assistant" ? "assistant" : message.role === "user" ? "user" : null;
      const text = typeof message.message === "string" ? message.message : null;
      if (!role || !text) return [];
      const time = typeof message.time === "number" ? new Date(message.time).toISOString() : null;
      return [{ role, text, at: time }];
    });
  }
  return row.liveTranscript.map((u) => ({ role: u.role === "user" ? "user" : "assistant", text: u.text, at: new Date(u.at).toISOString() }));
}

export function callDetailJson(row: CallRow, retention?: Retention) {
  const data = readCallStructuredData(row.structuredData);
  return {
    ...callJson(row, retention),
    transcript: row.transcript,
    messages: conversation(row),
    recordingUrl: row.recordingUrl,
    /** What the receptionist noted, typed by the one definition (ADR 0411); keys it does not define are not shown. */
    structuredData: row.structuredData && Object.keys(row.structuredData).length > 0 ? data : null,
    unansweredQuestions: data.unansweredQuestions,
    vapiCost: row.vapiCost,
    events: row.events,
  };
}
