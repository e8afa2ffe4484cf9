/**
 * Credits in tests: grant them the way the product does (through the user's CreditAccount), and
 * read a user's ledger back to check it row by row.
 */
import { asc, eq, sql } from "drizzle-orm";
import { creditTransactions, users } from "../../src/db/schema";
import { creditAccount } from "../../src/services/credits";
import { db } from "./db";
import { testEnv } from "./env";

/** An adjustment credit through the CreditAccount object, so the ledger stays exact. */
export async function grantCredits(userId: string, amount: number, idempotencyKey = `test-grant:${crypto.randomUUID()}`) {
  const result = await creditAccount(testEnv, userId).credit({ amount, kind: "adjustment", idempotencyKey, description: "test grant" });
  if (!result.ok) throw new Error("grant refused");
  return result;
}

/**
 * A completed purchase of `credits` (at least 1), recorded as the Stripe webhook records one
 * (CreditAccount.creditPurchase): the account may then buy numbers and be forwarded to (docs/architecture.md §4).
 * `spend` takes that many back at once (an adjustment), for a business that has paid and spent it all.
 */
export async function recordPurchase(userId: string, credits = 100, spend = 0) {
  const account = creditAccount(testEnv, userId);
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
export async function recordPaymentFacts(userId: string, facts: { refunded?: number; failed?: number; dispute?: string }) {
  const [purchase] = await db.select().from(creditTransactions).where(sql`${creditTransactions.userId} = ${userId} and ${creditTransactions.kind} = 'purchase'`);
  const session = purchase?.stripeCheckoutSessionId;
  if (!session) throw new Error("the user has no purchase with a checkout session");
  const charge = `ch_test_${crypto.randomUUID().replaceAll("-", "")}`;
  if (facts.refunded !== undefined) {
    await db.execute(sql`insert into stripe_refunds (charge_id, checkout_session_id, user_id, amount_charged, amount_refunded, currency)
      values (${charge}, ${session}, ${userId}, 1000, ${facts.refunded}, 'usd')`);
  }
  if (facts.failed) {
    await db.execute(sql`insert into stripe_refund_failures (refund_id, charge_id, checkout_session_id, user_id, amount, currency)
      values (${`re_test_${crypto.randomUUID()}`}, ${charge}, ${session}, ${userId}, ${facts.failed}, 'usd')`);
  }
  if (facts.dispute) {
    await db.execute(sql`insert into stripe_disputes (dispute_id, charge_id, checkout_session_id, user_id, amount, currency, status)
      values (${`dp_test_${crypto.randomUUID()}`}, ${charge}, ${session}, ${userId}, 1000, 'usd', ${facts.dispute})`);
  }
}

/** The user's ledger, oldest first. */
export async function ledgerOf(userId: string) {
  return db
    .select()
    .from(creditTransactions)
    .where(eq(creditTransactions.userId, userId))
    .orderBy(asc(creditTransactions.createdAt), asc(creditTransactions.id));
}

export async function storedBalance(userId: string): Promise<number> {
  const [row] = await db.select({ balance: users.creditBalance }).from(users).where(eq(users.id, userId));
  if (!row) throw new Error(`no user ${userId}`);
  return row.balance;
}

/** Throws unless sum(delta) = credit_balance and each balance_after follows from the one before. */
export async function expectLedgerConsistent(userId: string) {
  const rows = await ledgerOf(userId);
  let running = 0;
  for (const row of rows) {
    running += row.delta;
    if (row.balanceAfter !== running) throw new Error(`ledger row ${row.id}: balance_after ${row.balanceAfter}, expected ${running}`);
  }
  const balance = await storedBalance(userId);
  if (balance !== running) throw new Error(`credit_balance ${balance} but the ledger sums to ${running}`);
  return { rows, balance };
}

/** Changes a balance behind the CreditAccount's back, keeping the ledger exact (as an admin's SQL would). */
export async function adjustOutsideTheObject(userId: string, delta: number, idempotencyKey = `test-outside:${crypto.randomUUID()}`) {
  await db.execute(sql`
    with upd as (update users set credit_balance = credit_balance + ${delta}::int where id = ${userId}::uuid returning credit_balance)
    insert into credit_transactions (user_id, delta, balance_after, kind, idempotency_key, description)
    select ${userId}::uuid, ${delta}::int, credit_balance, 'adjustment', ${idempotencyKey}, 'outside the object' from upd`);
}
