/**
 * A business with members, built through the API as the dashboard builds it: the owner signs up,
 * invites, and each invitee accepts the mailed link (its token read from the queued message).
 */
import { expect } from "vitest";
import type { Role } from "../../src/db/schema";
import type { SideEffectMessage } from "../../src/side-effects/messages";
import { signUp, TEST_PASSWORD } from "./accounts";
import { bindingsWith, recordingQueue } from "./env";
import { uniqueEmail } from "./factories";
import { call, sessionCookieFrom } from "./http";

export type InvitationMessage = Extract<SideEffectMessage, { type: "email.invitation" }>;

/** Signs up through the API (as support/accounts does) and reads the new business's id from /api/me. */
export async function signUpOwner(overrides: Parameters<typeof signUp>[0] = {}) {
  const account = await signUp(overrides);
  const me = (await (await call("/api/me", { cookie: account.cookie })).json()) as { user: { business: { id: string } } };
  return { ...account, businessId: me.user.business.id };
}

/** POSTs /api/invitations as `cookie`; hands back the answer and the e-mail message it queued. */
export async function invite(cookie: string, email: string, role: Role) {
  const queue = recordingQueue<SideEffectMessage>();
  const response = await call("/api/invitations", { method: "POST", cookie, json: { email, role }, env: bindingsWith({ SIDE_EFFECTS: queue }) });
  const message = queue.sent.find((sent): sent is InvitationMessage => sent.type === "email.invitation");
  return { response, message, token: message ? tokenOf(message) : "" };
}

export function tokenOf(message: InvitationMessage): string {
  const token = new URL(message.acceptUrl).searchParams.get("token");
  if (!token) throw new Error("no token in the invitation message");
  return token;
}

export function accept(json: { token: string; password?: string; name?: string }, cookie?: string) {
  return call("/api/invitations/accept", { method: "POST", json, ...(cookie ? { cookie } : {}) });
}

/** An owner (signed up) with a new person invited as `role` who accepted: both with session cookies. */
export async function ownerWithMember(role: Role, owner?: Awaited<ReturnType<typeof signUpOwner>>) {
  const boss = owner ?? (await signUpOwner({ name: "Olga Owner" }));
  const email = uniqueEmail(role);
  const { token } = await invite(boss.cookie, email, role);
  const accepted = await accept({ token, password: TEST_PASSWORD, name: `Sam ${role}` });
  expect(accepted.status).toBe(200);
  const { user } = (await accepted.json()) as { user: { id: string; email: string } };
  return { owner: boss, member: { user, email, cookie: sessionCookieFrom(accepted) } };
}
