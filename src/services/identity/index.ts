/**
 * Identity: who a person is and how they prove it (docs/architecture.md §12, §13), one function per endpoint: the rate limits,
 * the checks and the session they end in. The route only parses and sets or clears the cookie.
 * Every attempt is counted before it is judged (`claimAttempt`), so parallel requests cannot
 * all slip under a limit; login and the current-password check give a successful attempt back,
 * so they limit failures only. A login from a browser with a valid device cookie for that
 * account is limited on that device's failures alone (ADR 0010); every way of proving who you
 * are (sign-up, login, a reset link) hands the browser a fresh device token.
 */
import { AppError } from "../../errors";
import { describeError } from "../../lib/logger";
import { hashToken } from "../../lib/tokens";
import type { Services } from "../create-services";
import { claimAttempt, enforce, recordHit } from "../rate-limit";
import { type DeviceAccount, issueDeviceToken, verifyDeviceToken } from "./device-cookies";
import { limits } from "./limits";
import { verifyPassword } from "./passwords";
import { createPasswordResetToken, findResetToken, resetPasswordWithToken } from "./reset-tokens";
import { createSession, invalidateSession, invalidateUserSessions, type User } from "./sessions";
import { findUserByEmail, insertUser, setPassword, verifyCredentials } from "./users";

type Deps = Pick<Services, "db" | "config">;
/**
 * Who is asking: the IP every stranger's limit is keyed on, the user agent the session
 * remembers, and the device token the browser carries (its device cookie), if any.
 */
export interface Client {
  ip: string;
  userAgent?: string;
  deviceToken?: string;
}

const invalidCredentials = () => new AppError("invalid_credentials", "That email and password do not match an account.");

export async function signUp(deps: Deps, input: { email: string; password: string; name?: string; timezone?: string }, client: Client) {
  await enforce(deps.db, limits.signupPerIp(client.ip));
  const user = await insertUser(deps.db, { ...input, lowCreditThreshold: deps.config.LOW_CREDIT_THRESHOLD_DEFAULT });
  // Kept on purpose (ADR 0011): the per-IP limit above, counted before this answer, bounds how fast it can be asked.
  if (!user) throw new AppError("email_taken", "An account with that email already exists. Sign in instead.");
  return { user, device: await newDeviceToken(deps.config, user), ...(await createSession(deps.db, user.id, client)) };
}

/**
 * A browser with a valid device cookie for this account (its e-mail and current password) is
 * judged on its own failures only; any other attempt (no cookie, a forged, another account's, or
 * one from before a password change) is a stranger's, limited per account and per IP. Either way
 * the attempt is counted before the password is checked.
 */
export async function signIn(deps: Pick<Services, "db" | "config" | "logger">, credentials: { email: string; password: string }, client: Client) {
  const { user, device } = await checkCredentials(deps, credentials, client);
  return { user, device, ...(await createSession(deps.db, user.id, client)) };
}

/**
 * A login's judgement without its session: the same limits and device-cookie rules, the user
 * or 401 `invalid_credentials`, and the browser's fresh device token. Accepting an invitation as
 * an existing account proves the person this way (services/businesses/invitations.ts).
 */
export async function checkCredentials(deps: Pick<Services, "db" | "config" | "logger">, { email, password }: { email: string; password: string }, client: Client) {
  const found = await findUserByEmail(deps.db, email);
  const device = found ? await trustedDevice(deps, client.deviceToken, found) : null;
  const rules = device ? [limits.loginFailuresPerDevice(device)] : [limits.loginFailuresPerAccount(email), limits.loginFailuresPerIp(client.ip)];
  const attempt = await claimAttempt(deps.db, rules);
  const user = await verifyCredentials(deps.db, found, password);
  if (!user) throw invalidCredentials();
  await attempt.release();
  // A new nonce each time: the cookie is rotated, and a device's fresh start is a new counter.
  return { user, device: await newDeviceToken(deps.config, user) };
}

let warnedNoDeviceSecret = false;

/** The device's nonce, or null for a stranger (and always null without DEVICE_COOKIE_SECRET). */
async function trustedDevice(deps: Pick<Services, "config" | "logger">, token: string | undefined, account: DeviceAccount) {
  const secret = deps.config.DEVICE_COOKIE_SECRET;
  if (!secret) {
    if (!warnedNoDeviceSecret) deps.logger.warn("DEVICE_COOKIE_SECRET is not set: device cookies are off, and strangers' failed logins can lock an owner out");
    warnedNoDeviceSecret = true;
    return null;
  }
  return verifyDeviceToken(secret, token, account);
}

/** A device token for the account (null without DEVICE_COOKIE_SECRET): every way of proving who you are ends with one. */
export function newDeviceToken(config: Services["config"], account: DeviceAccount) {
  return config.DEVICE_COOKIE_SECRET ? issueDeviceToken(config.DEVICE_COOKIE_SECRET, account) : Promise.resolve(null);
}

/** Ends the session the cookie's token names (the session id is the token's hash). */
export async function signOut(deps: Pick<Deps, "db">, token: string | undefined) {
  if (token) await invalidateSession(deps.db, hashToken(token));
}

/**
 * Checks the current password (failures limited), sets the new one and ends every other session;
 * every older device cookie is a stranger's from now on, and this browser gets a fresh one.
 */
export async function changeOwnPassword(
  deps: Deps,
  user: Pick<User, "id" | "email" | "passwordHash">,
  keepSessionId: string,
  { currentPassword, newPassword }: { currentPassword: string; newPassword: string },
) {
  const attempt = await claimAttempt(deps.db, [limits.passwordChangeFailures(user.id)]);
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new AppError("invalid_credentials", "The current password is not right.", [{ path: "currentPassword", message: "is not right" }]);
  }
  await attempt.release();
  const passwordHash = await setPassword(deps.db, user.id, newPassword);
  await invalidateUserSessions(deps.db, user.id, keepSessionId);
  return { device: await newDeviceToken(deps.config, { email: user.email, passwordHash }) };
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
      timezone: reset.user.timezone,
    });
  })().catch((error: unknown) => deps.logger.error("password reset request failed", describeError(error)));
  return { delivery };
}

/**
 * Sets the new password through a live reset link. The browser that used it gets a device
 * token: owning the mailbox is proof enough, and it is the owner's way back in on a new device
 * while strangers hold the account's login limit full.
 */
export async function confirmPasswordReset(deps: Deps, { token, newPassword }: { token: string; newPassword: string }, client: Client) {
  await enforce(deps.db, limits.resetConfirmPerIp(client.ip));
  // The token first: scrypt runs only for a live token, so made-up tokens cost one indexed read.
  const invalid = () => new AppError("invalid_token", "This reset link is invalid, used or expired. Ask for a new one.");
  if (!(await findResetToken(deps.db, token))) throw invalid();
  const user = await resetPasswordWithToken(deps.db, token, newPassword);
  if (!user) throw invalid();
  return { device: await newDeviceToken(deps.config, user) };
}
