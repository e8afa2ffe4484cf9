/** The auto-top-up-paused e-mail's recipient and figures, read when it is sent (docs/decisions/0211-auto-top-up.md). */
import { eq } from "drizzle-orm";
import { autoTopUps } from "../../db/schema";
import { autoTopUpPausedEmail } from "../../integrations/email/auto-top-up";
import type { EmailMessage } from "../../side-effects/messages";
import { pauseReasonOf } from "../billing/auto-top-up-view";
import type { Notice, NotificationDeps } from "./deliver";
import { billingUrl, recipient } from "./owner-emails";

export async function autoTopUpPausedNotice(deps: NotificationDeps, message: Extract<EmailMessage, { type: "email.auto_top_up_paused" }>): Promise<Notice> {
  const [[topUp], owners] = await Promise.all([
    deps.db.select().from(autoTopUps).where(eq(autoTopUps.id, message.topUpId)),
    recipient(deps, message.businessId, "auto-top-up-paused e-mail"),
  ]);
  if (!topUp || !owners) return null;
  return {
    to: owners.email,
    email: autoTopUpPausedEmail({
      name: owners.name,
      reason: pauseReasonOf(topUp.failureCode ?? "card_declined"),
      packCredits: topUp.credits,
      amountCents: topUp.amountCents,
      currency: topUp.currency,
      buyUrl: `${billingUrl(deps)}?buy=${encodeURIComponent(topUp.packId)}`,
    }),
  };
}
