/**
 * The owner's call e-mail (`email.call_summary`), sent once per call by the side-effects
 * consumer: the message carries only ids, the details are read here, so a retry sends what the
 * call says now.
 */
import { and, eq } from "drizzle-orm";
import { agents, calls, users } from "../db/schema";
import { callSummaryEmail } from "../integrations/email/call-summary";
import { readCallStructuredData } from "../integrations/vapi/structured-data";
import { spokenTime } from "../services/calls/speech";
import type { SideEffectHandler } from "./consumer";
import { deliverOnce } from "./email";

export const sendCallSummary: SideEffectHandler<"email.call_summary"> = (message, context) =>
  deliverOnce(message, context, async () => {
    const [row] = await context.db
      .select({ call: calls, agentName: agents.name, email: users.email, ownerName: users.name, timezone: users.timezone })
      .from(calls)
      .innerJoin(users, eq(users.id, calls.userId))
      .leftJoin(agents, eq(agents.id, calls.agentId))
      .where(and(eq(calls.id, message.callId), eq(calls.userId, message.userId)));
    if (!row) {
      context.logger.info("call e-mail for a call or account that is gone; skipped", { callId: message.callId });
      return null;
    }
    const { call } = row;
    const data = readCallStructuredData(call.structuredData);
    const booked = call.events.filter((event) => event.kind === "booked" && event.start).map((event) => `${event.detail}, ${spokenTime(event.start ?? "", row.timezone)}`);
    return {
      to: row.email,
      email: callSummaryEmail({
        ownerName: row.ownerName,
        agentName: row.agentName ?? "Your agent",
        callerNumber: call.customerNumber,
        callerName: data.callerName,
        startedAt: (call.startedAt ?? call.createdAt).toISOString(),
        timezone: row.timezone,
        durationSeconds: call.durationSeconds,
        summary: call.summary,
        booked: booked.length ? booked : data.appointmentBooked ? ["an appointment (see your calendar)"] : [],
        followUpNeeded: data.followUpNeeded,
        refusedReason: call.refusedReason,
        unansweredQuestions: data.unansweredQuestions,
        callUrl: `${context.config.APP_URL}/calls/${call.id}`,
      }),
    };
  });
