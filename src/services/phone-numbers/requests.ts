/**
 * The phone-number endpoints' steps that go beyond one query: the purchase limits, counted before
 * anything is bought, and the Vapi refresh of a number still activating (only with a Vapi key;
 * without one, the stored status is shown).
 */
import type { Services } from "../create-services";
import { enforce, type RateLimitRule } from "../rate-limit";
import { buyPhoneNumber, getPhoneNumber, listPhoneNumbers, type PhoneNumber, refresh } from ".";

/** Buying costs us money at Vapi: a few a day is what a real business needs. */
const purchaseLimits = {
  perAccount: (businessId: string): RateLimitRule => ({ key: `phone-buy:user:${businessId}`, limit: 10, windowSeconds: 24 * 3600 }),
  perIp: (ip: string): RateLimitRule => ({ key: `phone-buy:ip:${ip}`, limit: 20, windowSeconds: 24 * 3600 }),
};

type Deps = Pick<Services, "db" | "config" | "logger" | "vapi">;

/** Status refreshes need Vapi; without its key, the stored status is shown. */
const optionalVapi = (deps: Deps) => (deps.config.VAPI_API_KEY ? deps.vapi : undefined);

export function listOwnPhoneNumbers(deps: Deps, businessId: string, page: Parameters<typeof listPhoneNumbers>[2]) {
  return listPhoneNumbers(deps.db, businessId, page, optionalVapi(deps), deps.logger);
}

export async function showPhoneNumber(deps: Deps, businessId: string, id: string): Promise<PhoneNumber> {
  const row = await getPhoneNumber(deps.db, businessId, id);
  const vapi = optionalVapi(deps);
  return vapi && (row.status !== "active" || !row.e164) ? refresh(deps.db, vapi, row, deps.logger) : row;
}

/** Counted before anything is bought, so a burst of parallel purchases cannot slip past the limits. */
export async function purchasePhoneNumber(
  deps: Deps,
  user: { id: string; phone: string | null },
  input: Parameters<typeof buyPhoneNumber>[2],
  ip: string,
): Promise<PhoneNumber> {
  await enforce(deps.db, purchaseLimits.perAccount(user.id));
  await enforce(deps.db, purchaseLimits.perIp(ip));
  return buyPhoneNumber(deps, user, input);
}
