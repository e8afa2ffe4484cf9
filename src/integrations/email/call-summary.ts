/**
 * The owner's e-mail about one call (docs/architecture.md §5, §7): who called, the summary, what was booked,
 * what the caller asked that the receptionist could not answer, and a link to the call. Every value
 * that came from a caller or the model is made inert: in the text part it is indented and
 * flattened to one line, so it can never start a line of its own (no fake "From:" or link
 * lines); in the HTML part it is escaped. The subject carries no caller data.
 */
import { escapeHtml, inline, type RenderedEmail } from "./templates";

export interface CallSummaryInput {
  ownerName: string | null;
  agentName: string;
  callerNumber: string | null;
  callerName: string | null;
  startedAt: string | null;
  timezone: string;
  durationSeconds: number | null;
  summary: string | null;
  booked: string[];
  followUpNeeded: boolean;
  refusedReason: string | null;
  unansweredQuestions: string[];
  callUrl: string;
  /** Where to buy credits: given for a call refused for credit, so the e-mail says how to fix it. */
  buyUrl?: string | undefined;
}

const REFUSALS: Record<string, string> = {
  out_of_credit: "The call was not answered because your account is out of credits.",
  agent_paused: "The call was not answered because the receptionist is paused.",
  no_agent: "The call was not answered because no receptionist is assigned to the number.",
};

function when(iso: string | null, timeZone: string): string {
  if (!iso) return "just now";
  return new Intl.DateTimeFormat("en-US", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

export function callSummaryEmail(input: CallSummaryInput): RenderedEmail {
  const caller = [input.callerName ? inline(input.callerName, 200) : null, input.callerNumber ? inline(input.callerNumber, 40) : null].filter(Boolean).join(", ") || "an unknown caller";
  const duration = input.durationSeconds ? `${Math.floor(input.durationSeconds / 60)} min ${input.durationSeconds % 60} s` : null;
  const facts: [string, string][] = [
    ["Caller", caller],
    ["Receptionist", inline(input.agentName, 100)],
    ["When", when(input.startedAt, input.timezone)],
    ...(duration ? ([["Length", duration]] as [string, string][]) : []),
  ];
  const notes: string[] = [];
  if (input.refusedReason) notes.push((Object.hasOwn(REFUSALS, input.refusedReason) ? REFUSALS[input.refusedReason] : undefined) ?? "The call was not answered.");
  for (const booking of input.booked) notes.push(`Booked: ${inline(booking, 300)}`);
  if (input.followUpNeeded) notes.push("The caller would like a call back.");
  const summary = input.summary ? inline(input.summary) : null;
  const questions = input.unansweredQuestions.slice(0, 10).map((q) => inline(q, 300));

  const text = [
    input.ownerName?.trim() ? `Hi ${inline(input.ownerName, 100)},` : "Hi,",
    "",
    input.refusedReason ? "A call to your number was not answered by your receptionist." : "Your receptionist took a call.",
    "",
    ...facts.map(([label, value]) => `${label}:  ${value}`),
    ...(notes.length ? ["", ...notes.map((note) => `  - ${note}`)] : []),
    ...(summary ? ["", "Summary:", `  ${summary}`] : []),
    ...(questions.length ? ["", "Questions the receptionist could not answer (add them to your FAQ):", ...questions.map((q) => `  - ${q}`)] : []),
    ...(input.buyUrl ? ["", `Buy credits: ${input.buyUrl}`] : []),
    "",
    `The call in your dashboard: ${input.callUrl}`,
    "",
    "— Agentline",
  ].join("\n");

  const rows = facts
    .map(([label, value]) => `<tr><td style="padding:4px 12px 4px 0;color:#6b7280">${escapeHtml(label)}</td><td style="padding:4px 0">${escapeHtml(value)}</td></tr>`)
    .join("");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A call to your receptionist</title></head>
<body style="margin:0;padding:24px;background:#f6f7fb;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2937">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<h1 style="font-size:20px;margin:0 0 16px">A call to your receptionist</h1>
<table style="border-collapse:collapse;margin-bottom:16px">${rows}</table>
${notes.length ? `<ul>${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join("")}</ul>` : ""}
${summary ? `<p style="line-height:1.5"><strong>Summary.</strong> ${escapeHtml(summary)}</p>` : ""}
${questions.length ? `<p style="margin-bottom:4px"><strong>Questions the receptionist could not answer</strong> (add them to your FAQ):</p><ul>${questions.map((q) => `<li>${escapeHtml(q)}</li>`).join("")}</ul>` : ""}
<p style="margin:24px 0">${input.buyUrl ? `<a href="${escapeHtml(input.buyUrl)}" style="background:#4f46e5;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600;margin-right:12px">Buy credits</a>` : ""}<a href="${escapeHtml(input.callUrl)}" style="${input.buyUrl ? "color:#4f46e5;font-weight:600" : "background:#4f46e5;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600"}">Open the call</a></p>
<p style="color:#6b7280;font-size:12px;margin-top:32px">Agentline · AI receptionists for small businesses</p>
</div></body></html>`;
  const subject = input.refusedReason ? "A call your receptionist could not take" : input.booked.length ? "New booking from a call" : "A call to your receptionist";
  return { subject, text, html };
}
