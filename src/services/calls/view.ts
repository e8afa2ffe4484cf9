/** A call as the API shows it (DESIGN §12): the list item, and the detail with the conversation. */
import type { calls } from "../../db/schema";

export type CallRow = typeof calls.$inferSelect;

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function callJson(row: CallRow) {
  const data = row.structuredData ?? {};
  return {
    id: row.id,
    agentId: row.agentId,
    phoneNumberId: row.phoneNumberId,
    vapiCallId: row.vapiCallId,
    customerNumber: row.customerNumber,
    callerName: typeof data.callerName === "string" && data.callerName ? data.callerName : null,
    status: row.status,
    refusedReason: row.refusedReason,
    startedAt: iso(row.startedAt),
    endedAt: iso(row.endedAt),
    durationSeconds: row.durationSeconds,
    endedReason: row.endedReason,
    summary: row.summary,
    creditsCharged: row.creditsCharged,
    createdAt: row.createdAt.toISOString(),
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

export function callDetailJson(row: CallRow) {
  const data = row.structuredData ?? {};
  const unanswered = Array.isArray(data.unansweredQuestions) ? data.unansweredQuestions.filter((q): q is string => typeof q === "string") : [];
  return {
    ...callJson(row),
    transcript: row.transcript,
    messages: conversation(row),
    recordingUrl: row.recordingUrl,
    structuredData: row.structuredData,
    unansweredQuestions: unanswered,
    vapiCost: row.vapiCost,
    events: row.events,
  };
}
