/**
 * How an owner notification goes out: rendered, then sent through the mailer once per message
 * key. The key is claimed in side_effects before sending and marked done after; a failed send
 * releases the claim and the queue retries the message with backoff.
 */

import type { Config } from "../../config/env";
import type { Database } from "../../db/client";
import { type Mailer, SmtpNotConfiguredError } from "../../integrations/email/mailer";
import type { RenderedEmail } from "../../integrations/email/templates";
import type { Logger } from "../../lib/logger";
import { claimSideEffect, completeSideEffect, releaseSideEffect } from "../../side-effects/claims";
import type { EmailMessage } from "../../side-effects/messages";

export interface NotificationDeps {
  db: Database;
  config: Config;
  logger: Logger;
  /** The mailer the composition root (createServices) made. */
  mailer: () => Mailer;
}

/** One e-mail and its recipient; null when there is no one left to tell (a deleted account or call). */
export type Notice = { to: string | string[]; email: RenderedEmail } | null;

/** Sends `build()`'s e-mail once per message key; `build` returning null skips it. */
export async function deliverOnce(deps: NotificationDeps, message: EmailMessage, build: () => Promise<Notice>) {
  const { db, config, logger, mailer } = deps;
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
      await mailer().send(built.to, built.email);
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
