import { readCallStructuredData } from "../../integrations/vapi/structured-data";

/**
 * Whether a call is "important" enough for an owner whose agent notifies on important calls
 * (docs/architecture.md §5): an appointment was booked, someone should call the caller back, or the call was
 * refused (the caller never reached the agent).
 */
export function isImportant(call: { structuredData?: Record<string, unknown> | null; events?: { kind: string }[] | null; refused: boolean }): boolean {
  if (call.refused) return true;
  const data = readCallStructuredData(call.structuredData);
  if (data.appointmentBooked || data.followUpNeeded) return true;
  return (call.events ?? []).some((event) => event.kind === "booked" || event.kind === "tool_failed");
}
