/**
 * The side-effects consumer's email jobs (DESIGN §7): password reset, low-credit warning and
 * purchase receipt. Each message is sent at most once per idempotency key: the key is claimed in
 * side_effects before sending and marked done after; a failed send releases the claim and the
 * queue retries the message with backoff.
 */
import { eq } from "drizzle-orm";
import { users } from "../db/schema";
import { SmtpNotConfiguredError, sendEmail } from "../integrations/email/mailer";
import { lowCreditEmail, passwordResetEmail, purchaseReceiptEmail, type RenderedEmail } from "../integrations/email/templates";
import { claimSideEffect, completeSideEffect, releaseSideEffect } from "../side-effects/claims";
import type { EmailMessage } from "../side-effects/messages";
import type { SideEffectContext, SideEffectHandler, SideEffectHandlers } from "./consumer";

/** Sends `render()` to `to` once per message key; `render` returning null skips the email. */
export async function deliverOnce(message: EmailMessage, context: SideEffectContext, build: () => Promise<{ to: string; email: RenderedEmail } | null>) {
  const { db, config, logger } = context;
  if (!config.SMTP_HOST) {
    // Retried, not dropped: once SMTP is configured the queued emails go out.
    logger.warn("email not sent: SMTP is not configured (set SMTP_HOST and the other SMTP_* variables); will retry", { type: message.type });
    throw new SmtpNotConfiguredError();
  }
  if ((await claimSideEffect(db, message.idempotencyKey, message.type)) === "done") {
    logger.info("email already sent; skipped", { idempotencyKey: message.idempotencyKey });
    return;
  }
  let sent = false;
  try {
    const built = await build();
    if (built) {
      await sendEmail(config, built.to, built.email);
      logger.info("email sent", { idempotencyKey: message.idempotencyKey });
    }
    sent = true;
    await completeSideEffect(db, message.idempotencyKey, message.type);
  } catch (error) {
    // Unsent: free the key for the retry. Sent but not marked: keep the claim, so a retry
    // waits out its TTL instead of sending the email again at once.
    if (!sent) await releaseSideEffect(db, message.idempotencyKey).catch(() => undefined);
    throw error;
  }
}

/** The account an email about it goes to; a deleted account gets nothing (logged, not retried). */
export async function recipient(context: SideEffectContext, userId: string, what: string) {
  const [user] = await context.db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, userId));
  if (!user) context.logger.info(`${what} for a deleted user; skipped`, { userId });
  return user;
}

const billingUrl = (context: SideEffectContext) => `${context.config.APP_URL}/billing`;

const sendPasswordReset: SideEffectHandler<"email.password_reset"> = (message, context) =>
  deliverOnce(message, context, async () => ({
    to: message.to,
    email: passwordResetEmail({ name: message.name, resetUrl: message.resetUrl, expiresAt: message.expiresAt }),
  }));

const sendLowCredit: SideEffectHandler<"email.low_credit"> = (message, context) =>
  deliverOnce(message, context, async () => {
    const user = await recipient(context, message.userId, "low-credit warning");
    if (!user) return null;
    return {
      to: user.email,
      email: lowCreditEmail({ name: user.name, balance: message.balance, threshold: message.threshold, billingUrl: billingUrl(context) }),
    };
  });

const sendPurchaseReceipt: SideEffectHandler<"email.purchase_receipt"> = (message, context) =>
  deliverOnce(message, context, async () => {
    const user = await recipient(context, message.userId, "receipt");
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
        billingUrl: billingUrl(context),
      }),
    };
  });

export const emailHandlers = {
  "email.password_reset": sendPasswordReset,
  "email.low_credit": sendLowCredit,
  "email.purchase_receipt": sendPurchaseReceipt,
} satisfies SideEffectHandlers;
