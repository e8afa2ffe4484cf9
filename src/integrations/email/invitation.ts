/**
 * The invitation e-mail (docs/architecture.md §7, §7c): who invited the person to which business,
 * as what, and the link to accept. The business's and the inviter's names are the owner's text,
 * so they go through `inline()` and sit after our own words on their line (never a line of
 * their own); the subject carries no user data.
 */
import { escapeHtml, inline, type RenderedEmail } from "./templates";

export interface InvitationInput {
  businessName: string;
  inviterName: string | null;
  inviterEmail: string | null;
  role: "owner" | "admin" | "staff";
  acceptUrl: string;
  expiresAt: string;
}

const ROLE_WORDS: Record<InvitationInput["role"], string> = {
  owner: "an owner (everything, billing and members included)",
  admin: "an admin (agents, numbers, calls and settings; not billing or members)",
  staff: "staff (calls, follow-ups and appointments)",
};

export function invitationEmail(input: InvitationInput): RenderedEmail {
  const business = inline(input.businessName, 100);
  const inviter = inline(input.inviterName ?? "", 100) || inline(input.inviterEmail ?? "", 254) || "Someone";
  const role = ROLE_WORDS[input.role];
  const expires = new Date(input.expiresAt).toISOString();
  const when = `${expires.slice(11, 16)} UTC on ${expires.slice(0, 10)}`;
  const text = [
    "Hi,",
    "",
    `You are invited to join ${business} on Agentline, invited by ${inviter}, as ${role}.`,
    "Open this link to accept (you can create your account or sign in there):",
    "",
    input.acceptUrl,
    "",
    `The link works once and expires at ${when}. If you did not expect this, ignore this email.`,
    "",
    "— Agentline",
  ].join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>You are invited to Agentline</title></head>
<body style="margin:0;padding:24px;background:#f6f7fb;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2937">
<div style="max-width:520px;margin:0 auto;background:#ffffff;border-radius:8px;padding:32px">
<h1 style="font-size:20px;margin:0 0 16px">You are invited to Agentline</h1>
<p style="line-height:1.5;margin:0 0 12px">You are invited to join <strong>${escapeHtml(business)}</strong> on Agentline, invited by ${escapeHtml(inviter)}, as ${escapeHtml(role)}.</p>
<p style="margin:24px 0"><a href="${escapeHtml(input.acceptUrl)}" style="background:#4f46e5;color:#ffffff;padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">Accept the invitation</a></p>
<p style="line-height:1.5;margin:0 0 12px">The link works once and expires at ${escapeHtml(when)}. If you did not expect this, ignore this email.</p>
<p style="line-height:1.5;margin:0 0 12px">If the button does not work, paste this address into your browser:<br><span style="word-break:break-all;font-size:12px">${escapeHtml(input.acceptUrl)}</span></p>
<p style="color:#6b7280;font-size:12px;margin-top:32px">Agentline · AI receptionists for small businesses</p>
</div></body></html>`;
  return { subject: "You are invited to join a business on Agentline", text, html };
}
