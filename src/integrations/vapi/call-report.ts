/**
 * Vapi's Call (`GET /call/{id}`, SDK `calls.get`) as the end-of-call-report Vapi would have sent
 * for it, so reconciliation settles a call through the same parse and handling as a late report
 * (docs/decisions/0410). A vendor-shape transform: it knows no table and no service.
 */
import type { Vapi } from "@vapi-ai/server-sdk";

/** Vapi's Call as the end-of-call-report it would have sent (the fields docs/vapi.md's report row lists). */
export function reportFromCall(vapiCall: Vapi.Call): Record<string, unknown> {
  return {
    type: "end-of-call-report",
    endedReason: vapiCall.endedReason,
    startedAt: vapiCall.startedAt,
    endedAt: vapiCall.endedAt,
    cost: vapiCall.cost,
    artifact: vapiCall.artifact,
    analysis: vapiCall.analysis,
    call: {
      id: vapiCall.id,
      phoneNumberId: vapiCall.phoneNumberId,
      assistantId: vapiCall.assistantId,
      customer: vapiCall.customer,
      startedAt: vapiCall.startedAt,
      endedAt: vapiCall.endedAt,
      status: vapiCall.status,
    },
  };
}
