/**
 * Owner notifications, in one home: whether a call is worth telling the owner about
 * (important.ts), what each message says (owner-emails.ts) and how it goes out, once, through the
 * mailer (deliver.ts). The side-effects queue calls `sendEmailNotice` for every e-mail message.
 */
import type { EmailMessage } from "../../side-effects/messages";
import { autoTopUpPausedNotice } from "./auto-top-up";
import { deliverOnce, type Notice, type NotificationDeps } from "./deliver";
import { invitationNotice } from "./invitation";
import { bookingChangedNotice, callSummaryNotice, lowCreditNotice, passwordResetNotice, purchaseReceiptNotice } from "./owner-emails";

export type { NotificationDeps } from "./deliver";
export { isImportant } from "./important";

const notices: { [T in EmailMessage["type"]]: (deps: NotificationDeps, message: Extract<EmailMessage, { type: T }>) => Promise<Notice> } = {
  "email.password_reset": passwordResetNotice,
  "email.low_credit": lowCreditNotice,
  "email.purchase_receipt": purchaseReceiptNotice,
  "email.call_summary": callSummaryNotice,
  "email.invitation": invitationNotice,
  "email.booking_changed": bookingChangedNotice,
  "email.auto_top_up_paused": autoTopUpPausedNotice,
};

/** Renders the message's e-mail and sends it once per idempotency key (retried by the queue on failure). */
export function sendEmailNotice<T extends EmailMessage["type"]>(deps: NotificationDeps, message: Extract<EmailMessage, { type: T }>): Promise<void> {
  const notice = notices[message.type as T];
  return deliverOnce(deps, message, () => notice(deps, message));
}
