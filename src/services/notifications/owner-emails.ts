/**
 * What each e-mail message tells its recipient (docs/architecture.md §7): the password reset, the low-credit
 * warning, the purchase receipt and the owner's call e-mail. A message carries only ids and
 * figures; the names, addresses and call details are read here, when it is sent, so a retry says
 * what the account and the call say now.
 */
import { and, asc, eq, isNull } from "drizzle-orm";
import { agents, bookingHolds, businesses, calls, memberships, users } from "../../db/schema";
import { callSummaryEmail } from "../../integrations/email/call-summary";
import { bookingChangedEmail, lowCreditEmail, passwordResetEmail, purchaseReceiptEmail } from "../../integrations/email/templates";
import { readCallStructuredData } from "../../integrations/vapi/structured-data";
import type { EmailMessage } from "../../side-effects/messages";
import { spokenTime } from "../calls/speech";
import type { Notice, NotificationDeps } from "./deliver";

type Message<T extends EmailMessage["type"]> = Extract<EmailMessage, { type: T }>;

/**
 * Who an e-mail about the business goes to: its owners (docs/architecture.md §7c), greeted by name
 * when there is one; a deleted business, or one without owners, gets nothing (logged, not retried).
 */
export async function recipient(deps: NotificationDeps, businessId: string, what: string) {
  const owners = await deps.db
    .select({ email: users.email, name: users.name, timezone: businesses.timezone })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(businesses, eq(businesses.id, memberships.businessId))
    .where(and(eq(memberships.businessId, businessId), eq(memberships.role, "owner"), isNull(businesses.deletedAt)))
    .orderBy(asc(memberships.createdAt));
  const first = owners[0];
  if (!first) {
    deps.logger.info(`${what} for a business that is gone or has no owner; skipped`, { businessId });
    return undefined;
  }
  return { email: owners.map((owner) => owner.email), name: owners.length === 1 ? first.name : null, timezone: first.timezone };
}

export const billingUrl = (deps: NotificationDeps) => `${deps.config.APP_URL}/billing`;

export async function passwordResetNotice(_deps: NotificationDeps, message: Message<"email.password_reset">): Promise<Notice> {
  return { to: message.to, email: passwordResetEmail({ name: message.name, resetUrl: message.resetUrl, expiresAt: message.expiresAt, timezone: message.timezone }) };
}

export async function lowCreditNotice(deps: NotificationDeps, message: Message<"email.low_credit">): Promise<Notice> {
  const user = await recipient(deps, message.businessId, "low-credit warning");
  if (!user) return null;
  return { to: user.email, email: lowCreditEmail({ name: user.name, balance: message.balance, threshold: message.threshold, billingUrl: billingUrl(deps) }) };
}

export async function purchaseReceiptNotice(deps: NotificationDeps, message: Message<"email.purchase_receipt">): Promise<Notice> {
  const user = await recipient(deps, message.businessId, "receipt");
  if (!user) return null;
  return {
    to: user.email,
    email: purchaseReceiptEmail({
      name: user.name,
      credits: message.credits,
      amountCents: message.amountCents,
      currency: message.currency,
      balance: message.balance,
      reference: message.idempotencyKey.replace(/^receipt:/, ""),
      billingUrl: billingUrl(deps),
    }),
  };
}

/** The owner's e-mail about one call (the agent's `notify` setting decided it is due). */
export async function callSummaryNotice(deps: NotificationDeps, message: Message<"email.call_summary">): Promise<Notice> {
  const [found, owners] = await Promise.all([
    deps.db
      .select({ call: calls, agentName: agents.name })
      .from(calls)
      .leftJoin(agents, eq(agents.id, calls.agentId))
      .where(and(eq(calls.id, message.callId), eq(calls.businessId, message.businessId))),
    recipient(deps, message.businessId, "call e-mail"),
  ]);
  const call0 = found[0];
  if (!call0 || !owners) {
    deps.logger.info("call e-mail for a call or business that is gone; skipped", { callId: message.callId });
    return null;
  }
  const row = { ...call0, email: owners.email, ownerName: owners.name, timezone: owners.timezone };
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
      callUrl: `${deps.config.APP_URL}/calls/${call.id}`,
      buyUrl: call.refusedReason === "out_of_credit" ? billingUrl(deps) : undefined,
    }),
  };
}

/** The caller's e-mail about their booking, cancelled or moved by the business; read when sent, so it says the booking as it is now. */
export async function bookingChangedNotice(deps: NotificationDeps, message: Message<"email.booking_changed">): Promise<Notice> {
  const [row] = await deps.db
    .select({ hold: bookingHolds, agentName: agents.name, timezone: agents.timezone })
    .from(bookingHolds)
    .innerJoin(agents, eq(agents.id, bookingHolds.agentId))
    .where(eq(bookingHolds.id, message.bookingId))
    .limit(1);
  if (!row?.hold.callerEmail) {
    deps.logger.info("booking e-mail for a booking without an address (or deleted); skipped", { bookingId: message.bookingId });
    return null;
  }
  return {
    to: row.hold.callerEmail,
    email: bookingChangedEmail({
      name: row.hold.callerName,
      business: row.agentName,
      change: message.change,
      when: spokenTime(row.hold.startAt.toISOString(), row.timezone),
      service: row.hold.serviceName,
      staff: row.hold.staffName,
    }),
  };
}
