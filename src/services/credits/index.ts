/**
 * Credits as the rest of the app sees them (docs/architecture.md §4): every change of a balance goes through
 * the user's CreditAccount object, reached with `creditAccount(env, businessId)`.
 *
 * @example
 *   const account = creditAccount(c.env, user.id);
 *   const result = await account.debit({ amount: 3, kind: "call", idempotencyKey: `call:${vapiCallId}`, callId });
 *   if (!(await account.canAcceptCall())) …
 */

import type { Bindings } from "../../bindings";
import type { CreditAccount } from "../../durable-objects/credit-account";

/** The user's CreditAccount stub; `idFromName(businessId)` makes it one object per user. */
export function creditAccount(env: Pick<Bindings, "CREDIT_ACCOUNT">, businessId: string): DurableObjectStub<CreditAccount> {
  return env.CREDIT_ACCOUNT.get(env.CREDIT_ACCOUNT.idFromName(businessId));
}

/**
 * What the API shows of a balance (docs/architecture.md §4): `balance`, `reserved` by calls in progress, and
 * `available` to new calls. Reads the holds from the CreditAccount; the balance given is the
 * stored one (the object's cache may lag a write made outside it, never the other way).
 */
export async function creditSummary(env: Pick<Bindings, "CREDIT_ACCOUNT">, businessId: string, balance: number) {
  const reserved = await creditAccount(env, businessId).reserved();
  return { balance, reserved, available: Math.max(0, balance - reserved) };
}
