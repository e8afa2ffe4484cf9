/** The rate limits of the account endpoints, in one place. */
import type { RateLimitRule } from "../rate-limit";

const MINUTE = 60;
const HOUR = 60 * MINUTE;

export const limits = {
  loginFailuresPerAccount: (email: string): RateLimitRule => ({ key: `login:account:${email}`, limit: 10, windowSeconds: 15 * MINUTE }),
  /** A browser with a valid device cookie for the account: its own failures only (ADR 0010). */
  loginFailuresPerDevice: (nonce: string): RateLimitRule => ({ key: `login:device:${nonce}`, limit: 10, windowSeconds: 15 * MINUTE }),
  loginFailuresPerIp: (ip: string): RateLimitRule => ({ key: `login:ip:${ip}`, limit: 30, windowSeconds: 15 * MINUTE }),
  signupPerIp: (ip: string): RateLimitRule => ({ key: `signup:ip:${ip}`, limit: 10, windowSeconds: HOUR }),
  resetPerIp: (ip: string): RateLimitRule => ({ key: `reset:ip:${ip}`, limit: 5, windowSeconds: HOUR }),
  resetConfirmPerIp: (ip: string): RateLimitRule => ({ key: `reset-confirm:ip:${ip}`, limit: 10, windowSeconds: HOUR }),
  resetPerEmail: (email: string): RateLimitRule => ({ key: `reset:email:${email}`, limit: 3, windowSeconds: HOUR }),
  passwordChangeFailures: (userId: string): RateLimitRule => ({ key: `password:user:${userId}`, limit: 10, windowSeconds: 15 * MINUTE }),
};
