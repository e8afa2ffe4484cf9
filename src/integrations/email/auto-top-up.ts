/**
 * The owner's e-mail that auto top-up is paused (docs/decisions/0211-auto-top-up.md): what
 * happened in our words (a decline, or the bank asking to confirm a payment made while the owner was
 * away), that nothing more will be charged until they act, and a link to buy credits at Checkout,
 * where the bank can ask them itself. Nothing from the card or Stripe's message is shown.
 */
import { formatMoney } from "../../config/packs";
import { credits, escapeHtml, greeting, layout, type RenderedEmail } from "./templates";

export interface AutoTopUpPausedInput {
  name: string | null;
  reason: "authentication_required" | "card_declined" | "card_unusable";
  packCredits: number;
  amountCents: number;
  currency: string;
  buyUrl: string;
}

const WHAT_HAPPENED: Record<AutoTopUpPausedInput["reason"], string> = {
  authentication_required: "your bank asked to confirm the payment, which it cannot do while you are away",
  card_declined: "your card was declined",
  card_unusable: "your saved card can no longer be charged",
};

export function autoTopUpPausedEmail(input: AutoTopUpPausedInput): RenderedEmail {
  const amount = formatMoney(input.amountCents, input.currency);
  const first = `We tried to top up your Agentline credits with ${credits(input.packCredits)} (${amount}), but ${WHAT_HAPPENED[input.reason]}.`;
  const second = "Auto top-up is paused: nothing more will be charged until you buy credits or resume it on your billing page.";
  const third = "Buy credits now so your receptionists keep answering; choosing to save the card again resumes auto top-up.";
  const text = [greeting(input.name), "", first, second, "", third, "", `Buy credits: ${input.buyUrl}`, "", "— Agentline"].join("\n");
  const html = layout("Auto top-up is paused", [escapeHtml(greeting(input.name)), escapeHtml(first), escapeHtml(second), escapeHtml(third)], { label: "Buy credits", url: input.buyUrl });
  return { subject: "Auto top-up is paused", text, html };
}
