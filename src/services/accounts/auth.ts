/**
 * The account endpoints' steps (DESIGN §12, §13), one function per endpoint: the rate limits,
 * the checks and the session they end in. The route only parses and sets or clears the cookie.
 * Every attempt is counted before it is judged (`claimAttempt`), so parallel requests cannot
 * all slip under a limit; login and the current-password check give a successful attempt back,
 * so they limit failures only.
 */
import { AppError } from "../../errors";
import { describeError } from "../../lib/logger";
import { hashToken } from "../../lib/tokens";
import type { Services } from "../create-services";
import { claimAttempt, enforce, recordHit } from "../rate-limit";
import { authenticate, changePassword, createAccount, createPasswordResetToken, findResetToken, resetPasswordWithToken } from ".";
import { limits } from "./limits";
import { verifyPassword } from "./passwords";
import { createSession, invalidateSession, invalidateUserSessions, type User } from "./sessions";

type Deps = Pick<Services, "db" | "config">;
/** Who is asking: the IP every limit is keyed on, and the user agent the session remembers. */
export interface Client {
  ip: string;
  userAgent?: string;
}

const invalidCredentials = () => new AppError("invalid_credentials", "That email and password do not match an account.");

export async function signUp(deps: Deps, input: { email: string; password: string; name?: string; timezone?: string }, client: Client) {
  await enforce(deps.db, limits.signupPerIp(client.ip));
  const user = await createAccount(deps.db, { ...input, lowCreditThreshold: deps.config.LOW_CREDIT_THRESHOLD_DEFAULT });
  if (!user) throw new AppError("email_taken", "An account with that email already exists. Sign in instead.");
  return { user, ...(await createSession(deps.db, user.id, client)) };
}

export async function signIn(deps: Pick<Deps, "db">, { email, password }: { email: string; password: string }, client: Client) {
  const attempt = await claimAttempt(deps.db, [limits.loginFailuresPerAccount(email), limits.loginFailuresPerIp(client.ip)]);
  const user = await authenticate(deps.db, email, password);
  if (!user) throw invalidCredentials();
  await attempt.release();
  return { user, ...(await createSession(deps.db, user.id, client)) };
}

/** Ends the session the cookie's token names (the session id is the token's hash). */
export async function signOut(deps: Pick<Deps, "db">, token: string | undefined) {
  if (token) await invalidateSession(deps.db, hashToken(token));
}

/** Checks the current password (failures limited), sets the new one and ends every other session. */
export async function changeOwnPassword(
  deps: Pick<Deps, "db">,
  user: Pick<User, "id" | "passwordHash">,
  keepSessionId: string,
  { currentPassword, newPassword }: { currentPassword: string; newPassword: string },
) {
  const attempt = await claimAttempt(deps.db, [limits.passwordChangeFailures(user.id)]);
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new AppError("invalid_credentials", "The current password is not right.", [{ path: "currentPassword", message: "is not right" }]);
  }
  await attempt.release();
  await changePassword(deps.db, user.id, newPassword);
  await invalidateUserSessions(deps.db, user.id, keepSessionId);
}

/**
 * Counts the request against the IP's limit (a 429 is thrown here), then returns the rest as a
 * promise for the caller to run after its answer, so the timing says nothing about whether the
 * account exists: the per-email limit, the token and the e-mail on the queue.
 */
export async function requestPasswordReset(deps: Pick<Services, "db" | "config" | "logger" | "env">, email: string, client: Client) {
  await enforce(deps.db, limits.resetPerIp(client.ip));
  const delivery = (async () => {
    const perEmail = await recordHit(deps.db, limits.resetPerEmail(email));
    if (perEmail.count > limits.resetPerEmail(email).limit) return;
    const reset = await createPasswordResetToken(deps.db, email);
    if (!reset) return;
    await deps.env.SIDE_EFFECTS.send({
      type: "email.password_reset",
      idempotencyKey: `password-reset:${hashToken(reset.token)}`,
      to: reset.user.email,
      name: reset.user.name,
      resetUrl: `${deps.config.APP_URL}/reset-password?token=${encodeURIComponent(reset.token)}`,
      expiresAt: reset.expiresAt.toISOString(),
    });
  })().catch((error: unknown) => deps.logger.error("password reset request failed", describeError(error)));
  return { delivery };
}

export async function confirmPasswordReset(deps: Pick<Deps, "db">, { token, newPassword }: { token: string; newPassword: string }, client: Client) {
  await enforce(deps.db, limits.resetConfirmPerIp(client.ip));
  // The token first: scrypt runs only for a live token, so made-up tokens cost one indexed read.
  const invalid = () => new AppError("invalid_token", "This reset link is invalid, used or expired. Ask for a new one.");
  if (!(await findResetToken(deps.db, token))) throw invalid();
  if (!(await resetPasswordWithToken(deps.db, token, newPassword))) throw invalid();
}
