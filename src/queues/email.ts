/**
 * The side-effects consumer's e-mail jobs (docs/architecture.md §7): password reset, low-credit warning,
 * purchase receipt and the owner's call e-mail. What they say and how they are sent once is
 * services/notifications'; this only routes each message there.
 */
import { sendEmailNotice } from "../services/notifications";
import type { EmailMessage } from "../side-effects/messages";
import type { SideEffectContext, SideEffectHandlers } from "./consumer";

const sendEmail = (message: EmailMessage, context: SideEffectContext) => sendEmailNotice(context, message);

export const emailHandlers = {
  "email.password_reset": sendEmail,
  "email.low_credit": sendEmail,
  "email.purchase_receipt": sendEmail,
  "email.call_summary": sendEmail,
  "email.invitation": sendEmail,
  "email.booking_changed": sendEmail,
  "email.auto_top_up_paused": sendEmail,
} satisfies SideEffectHandlers;
