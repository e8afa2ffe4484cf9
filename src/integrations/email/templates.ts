/**
 * The emails Agentline sends (docs/architecture.md §7), each as a subject, a plain-text part and an HTML part.
 * Everything that comes from data is HTML-escaped; subjects carry no user data (no header
 * injection, nothing personal in a mail server's log). Every user-provided value goes through
 * `inline()` and is placed after our own words on its line, so it cannot start a line of its own
 * (docs/architecture.md §7): a name with line breaks stored before input was checked cannot write
 * "ACTION REQUIRED: …" as a line of a genuine Agentline e-mail.
 */
import { formatMoney } from "../../config/packs";

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);
}

/**
 * A user-provided value as one bounded line: control characters (C0, DEL, C1 — NEL included) and
 * Unicode line breaks become one space, so the value can never start a line of its own.
 */
export function inline(value: string, max = 2000): string {
  const line = value.replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]+/g, " ").replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export const credits = (n: number) => `${n.toLocaleString("en-US")} credit${Math.abs(n) === 1 ? "" : "s"}`;
export const greeting = (name: string | null | undefined) => {
  const shown = inline(name ?? "");
  return shown ? `Hi ${shown},` : "Hi,";
};

export function layout(title: string, paragraphs: string[], action?: { label: string; url: string }): string {
  const button = action
    ? `<p style="margin:24px 0"><a href="${escapeHtml(action.url)}" style="background:#4f46e5;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">${escapeHtml(action.label)}</a></p>`
    : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;background:#f6f7fb;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2937">
<div style="max-width:520px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(title)}</h1>
${paragraphs.map((p) => `<p style="line-height:1.5;margin:0 0 12px">${p}</p>`).join("\n")}
${button}
<p style="color:#6b7280;font-size:12px;margin-top:32px">Agentline · AI receptionists for small businesses</p>
</div></body></html>`;
}

export function lowCreditEmail(input: { name: string | null; balance: number; threshold: number; billingUrl: string }): RenderedEmail {
  const { balance, threshold, billingUrl } = input;
  const consequence =
    balance <= 0
      ? "Your receptionists have stopped answering calls until you add credits."
      : "When it reaches zero your receptionists stop answering calls until you add credits.";
  const text = [
    greeting(input.name),
    "",
    `Your Agentline balance is down to ${credits(balance)}, below your warning level of ${credits(threshold)}.`,
    `${consequence} One credit is one minute of call time.`,
    "",
    `Buy credits: ${billingUrl}`,
    "",
    "— Agentline",
  ].join("\n");
  const html = layout(
    "Your credits are running low",
    [
      escapeHtml(greeting(input.name)),
      `Your Agentline balance is down to <strong>${escapeHtml(credits(balance))}</strong>, below your warning level of ${escapeHtml(credits(threshold))}.`,
      `${escapeHtml(consequence)} One credit is one minute of call time.`,
    ],
    { label: "Buy credits", url: billingUrl },
  );
  return { subject: "Your Agentline credits are running low", text, html };
}

export function purchaseReceiptEmail(input: {
  name: string | null;
  credits: number;
  amountCents: number;
  currency: string;
  balance: number;
  reference: string;
  billingUrl: string;
}): RenderedEmail {
  const amount = formatMoney(input.amountCents, input.currency);
  const text = [
    greeting(input.name),
    "",
    `Thank you for your purchase. ${credits(input.credits)} have been added to your Agentline account.`,
    "",
    `Credits: ${input.credits.toLocaleString("en-US")}`,
    `Paid: ${amount}`,
    `New balance: ${credits(input.balance)}`,
    `Reference: ${input.reference}`,
    "",
    `Your credits and purchases: ${input.billingUrl}`,
    "",
    "— Agentline",
  ].join("\n");
  const html = layout(
    "Your receipt",
    [
      escapeHtml(greeting(input.name)),
      `Thank you for your purchase. <strong>${escapeHtml(credits(input.credits))}</strong> have been added to your Agentline account.`,
      `<table style="border-collapse:collapse;width:100%">
<tr><td style="padding:6px 0;color:#6b7280">Credits</td><td style="padding:6px 0;text-align:right">${escapeHtml(input.credits.toLocaleString("en-US"))}</td></tr>
<tr><td style="padding:6px 0;color:#6b7280">Paid</td><td style="padding:6px 0;text-align:right">${escapeHtml(amount)}</td></tr>
<tr><td style="padding:6px 0;color:#6b7280">New balance</td><td style="padding:6px 0;text-align:right">${escapeHtml(credits(input.balance))}</td></tr>
<tr><td style="padding:6px 0;color:#6b7280">Reference</td><td style="padding:6px 0;text-align:right;font-family:monospace;font-size:12px">${escapeHtml(input.reference)}</td></tr>
</table>`,
    ],
    { label: "View your credits", url: input.billingUrl },
  );
  return { subject: "Your Agentline receipt", text, html };
}

/** "3:00 PM on Nov 26, 2026 (New York time)": the expiry in the owner's own zone; UTC when the zone is unknown or invalid. */
export function expiryInZone(iso: string, timeZone = "UTC"): string {
  const at = new Date(iso);
  const format = (zone: string) => {
    const time = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeStyle: "short" }).format(at);
    const day = new Intl.DateTimeFormat("en-US", { timeZone: zone, dateStyle: "medium" }).format(at);
    const place = zone === "UTC" ? "UTC" : `${zone.split("/").pop()?.replace(/_/g, " ")} time`;
    return `${time} on ${day} (${place})`;
  };
  try {
    return format(timeZone);
  } catch {
    return format("UTC");
  }
}

export function passwordResetEmail(input: { name: string | null; resetUrl: string; expiresAt: string; timezone?: string | undefined }): RenderedEmail {
  const when = expiryInZone(input.expiresAt, input.timezone);
  const text = [
    greeting(input.name),
    "",
    "Someone asked to reset the password of your Agentline account. If it was you, open this link to choose a new one:",
    "",
    input.resetUrl,
    "",
    `The link works once and expires at ${when}. If you did not ask for this, ignore this email: your password stays as it is.`,
    "",
    "— Agentline",
  ].join("\n");
  const html = layout(
    "Reset your password",
    [
      escapeHtml(greeting(input.name)),
      "Someone asked to reset the password of your Agentline account. If it was you, choose a new one:",
    ].concat([
      `The link works once and expires at ${escapeHtml(when)}. If you did not ask for this, ignore this email: your password stays as it is.`,
      `If the button does not work, paste this address into your browser:<br><span style="word-break:break-all;font-size:12px">${escapeHtml(input.resetUrl)}</span>`,
    ]),
    { label: "Choose a new password", url: input.resetUrl },
  );
  return { subject: "Reset your Agentline password", text, html };
}

/** To a caller: the business cancelled or moved their booking (subject without their data). */
export function bookingChangedEmail(input: { name: string | null; business: string; change: "cancelled" | "moved"; when: string; service: string | null; staff: string | null }): RenderedEmail {
  const what = [input.service ? `for ${inline(input.service, 100)}` : null, input.staff ? `with ${inline(input.staff, 100)}` : null].filter(Boolean).join(" ");
  const business = inline(input.business, 100);
  const sentence =
    input.change === "cancelled"
      ? `Your appointment${what ? ` ${what}` : ""} on ${input.when} with ${business} has been cancelled.`
      : `Your appointment${what ? ` ${what}` : ""} with ${business} has been moved to ${input.when}.`;
  const text = [greeting(input.name), "", sentence, "", "If this does not suit you, please call us back.", "", `— ${business}`].join("\n");
  const html = layout(input.change === "cancelled" ? "Appointment cancelled" : "Appointment moved", [escapeHtml(greeting(input.name)), escapeHtml(sentence), "If this does not suit you, please call us back."]);
  return { subject: input.change === "cancelled" ? "Your appointment was cancelled" : "Your appointment was moved", text, html };
}
