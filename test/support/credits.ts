/**
 * Credits in tests: grant them the way the product does (through the business's CreditAccount), and
 * read a user's ledger back to check it row by row.
 */
import { asc, eq, sql } from "drizzle-orm";
import { businesses, creditTransactions } from "../../src/db/schema";
import { creditAccount } from "../../src/services/credits";
import { db } from "./db";
import { testEnv } from "./env";

/** An adjustment credit through the CreditAccount object, so the ledger stays exact. */
export async function grantCredits(businessId: string, amount: number, idempotencyKey = `test-grant:${crypto.randomUUID()}`) {
  const result = await creditAccount(testEnv, businessId).credit({ amount, kind: "adjustment", idempotencyKey, description: "test grant" });
  if (!result.ok) throw new Error("grant refused");
  return result;
}

/**
 * A completed purchase of `credits` (at least 1), recorded as the Stripe webhook records one
 * (CreditAccount.creditPurchase): the account may then buy numbers and be forwarded to (docs/architecture.md §4).
 * `spend` takes that many back at once (an adjustment), for a business that has paid and spent it all.
 */
export async function recordPurchase(businessId: string, credits = 100, spend = 0) {
  const account = creditAccount(testEnv, businessId);
  const session = `cs_test_${crypto.randomUUID().replaceAll("-", "")}`;
  const result = await account.creditPurchase({ amount: credits, idempotencyKey: `test-purchase:${session}`, stripeCheckoutSessionId: session });
  if (!result.ok) throw new Error("purchase refused");
  if (spend > 0) {
    const spent = await account.debit({ amount: spend, kind: "adjustment", idempotencyKey: `test-spend:${session}`, description: "test spend" });
    if (!spent.ok) throw new Error("spend refused");
  }
  return result;
}

/**
 * Stripe's word on the user's purchase (the only one, or the given session), recorded as the
 * webhook records its facts: refunded `refunded` of 1000 cents (a failed refund of `failed`), or a
 * dispute in `dispute` status. Facts only: what "has paid" reads (services/billing/paid.ts).
 */
export async function recordPaymentFacts(businessId: string, facts: { refunded?: number; failed?: number; dispute?: string }) {
  const [purchase] = await db.select().from(creditTransactions).where(sql`${creditTransactions.businessId} = ${businessId} and ${creditTransactions.kind} = 'purchase'`);
  const session = purchase?.stripeCheckoutSessionId;
  if (!session) throw new Error("the user has no purchase with a checkout session");
  const charge = `ch_test_${crypto.randomUUID().replaceAll("-", "")}`;
  if (facts.refunded !== undefined) {
    await db.execute(sql`insert into stripe_refunds (charge_id, checkout_session_id, business_id, amount_charged, amount_refunded, currency)
      values (${charge}, ${session}, ${businessId}, 1000, ${facts.refunded}, 'usd')`);
  }
  if (facts.failed) {
    await db.execute(sql`insert into stripe_refund_failures (refund_id, charge_id, checkout_session_id, business_id, amount, currency)
      values (${`re_test_${crypto.randomUUID()}`}, ${charge}, ${session}, ${businessId}, ${facts.failed}, 'usd')`);
  }
  if (facts.dispute) {
    await db.execute(sql`insert into stripe_disputes (dispute_id, charge_id, checkout_session_id, business_id, amount, currency, status)
      values (${`dp_test_${crypto.randomUUID()}`}, ${charge}, ${session}, ${businessId}, 1000, 'usd', ${facts.dispute})`);
  }
}

/** The user's ledger, oldest first. */
export async function ledgerOf(businessId: string) {
  return db
    .select()
    .from(creditTransactions)
    .where(eq(creditTransactions.businessId, businessId))
    .orderBy(asc(creditTransactions.createdAt), asc(creditTransactions.id));
}

export async function storedBalance(businessId: string): Promise<number> {
  const [row] = await db.select({ balance: businesses.creditBalance }).from(businesses).where(eq(businesses.id, businessId));
  if (!row) throw new Error(`no business ${businessId}`);
  return row.balance;
}

/** Throws unless sum(delta) = credit_balance and each balance_after follows from the one before. */
export async function expectLedgerConsistent(businessId: string) {
  const rows = await ledgerOf(businessId);
  let running = 0;
  for (const row of rows) {
    running += row.delta;
    if (row.balanceAfter !== running) throw new Error(`ledger row ${row.id}: balance_after ${row.balanceAfter}, expected ${running}`);
  }
  const balance = await storedBalance(businessId);
  if (balance !== running) throw new Error(`credit_balance ${balance} but the ledger sums to ${running}`);
  return { rows, balance };
}

/** Changes a balance behind the CreditAccount's back, keeping the ledger exact (as an admin's SQL would). */
export async function adjustOutsideTheObject(businessId: string, delta: number, idempotencyKey = `test-outside:${crypto.randomUUID()}`) {
  await db.execute(sql`
    with upd as (update businesses set credit_balance = credit_balance + ${delta}::int where id = ${businessId}::uuid returning credit_balance)
    insert into credit_transactions (business_id, delta, balance_after, kind, idempotency_key, description)
    select ${businessId}::uuid, ${delta}::int, credit_balance, 'adjustment', ${idempotencyKey}, 'outside the object' from upd`);
}
