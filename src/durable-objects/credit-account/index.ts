/**
 * CreditAccount: one object per business (`idFromName(businessId)`), the only code that changes a
 * balance (docs/architecture.md §4). Postgres holds the truth; the object is the lock and a cache.
 *
 * Why an explicit queue: a Durable Object's input gate opens while it awaits a fetch (every
 * Neon HTTP query is one), so two calls would otherwise interleave between "read the balance"
 * and "write it". Each public method therefore runs its work on one promise chain, strictly in
 * arrival order. Each write is still guarded in SQL (it applies only if the balance is the one
 * the object expects), so a balance changed behind the object's back is detected, re-read and
 * retried rather than overwritten.
 */
import { DurableObject } from "cloudflare:workers";
import type { Bindings } from "../../bindings";
import { type Database, loadDatabaseDriver } from "../../db/client";
import type { Logger } from "../../lib/logger";
import type { SideEffectMessage } from "../../side-effects/messages";
import { claimAutoTopUp, crossedBelow } from "./auto-top-up";
import { type AccountCore, createAccountCore } from "./core";
import { ForwardBook } from "./forwards";
import {
  cappedCallCharge,
  type ForwardInput,
  forwardInputSchema,
  type Hold,
  HoldBook,
  type ReserveInput,
  type ReserveResult,
  reserveInputSchema,
  type SettleInput,
  type SettleResult,
  settleInputSchema,
} from "./holds";
import {
  type ChangeResult,
  type CreditInput,
  creditInputSchema,
  type DebitInput,
  debitInputSchema,
  type PurchaseInput,
  type PurchaseResult,
  purchaseInputSchema,
  type SettlePaymentInput,
  type SettlePaymentResult,
  settlePaymentInputSchema,
  type TextChargeInput,
  type TextChargeResult,
  type TextRefundInput,
  textChargeInputSchema,
  textRefundInputSchema,
} from "./inputs";
import {
  type AccountRow,
  type CreditKind,
  findEntry,
  findPurchase,
  findPurchaseEntry,
  type LedgerEntry,
  loadAccount,
  sqlState,
  writeLedger,
} from "./ledger";
import { paymentDescription, paymentFactsOf, paymentStateKey, paymentTargets } from "./payment-facts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A balance changed outside the object is re-read and the write retried this many times. */
const MAX_WRITE_ATTEMPTS = 3;

interface Change {
  delta: number;
  kind: CreditKind;
  idempotencyKey: string;
  stripeCheckoutSessionId?: string;
  callId?: string;
  description?: string;
  allowPartial?: boolean;
}

type Success = Extract<ChangeResult, { ok: true }>;
const NO_SUCH_USER = { ok: false as const, reason: "no_such_user" as const };

export class CreditAccount extends DurableObject<Bindings> {
  /** The cached account; undefined until loaded, and again after any write whose fate is unknown. */
  #account: AccountRow | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  #core: AccountCore | undefined;
  readonly #holds: HoldBook;
  readonly #forwards: ForwardBook;

  constructor(ctx: DurableObjectState, env: Bindings) {
    super(ctx, env);
    this.#holds = new HoldBook(ctx.storage.kv);
    this.#forwards = new ForwardBook(ctx.storage.kv);
    // The database driver loads on first use (src/db/client.ts); no method runs before it has.
    void ctx.blockConcurrencyWhile(loadDatabaseDriver);
  }

  async credit(input: CreditInput): Promise<ChangeResult> {
    const parsed = creditInputSchema.parse(input);
    return this.#exclusive(() => this.#change({ ...parsed, delta: parsed.amount }));
  }

  async debit(input: DebitInput): Promise<ChangeResult> {
    const parsed = debitInputSchema.parse(input);
    return this.#exclusive(() => this.#change({ ...parsed, delta: -parsed.amount }));
  }

  /**
   * Credits a pack bought with a checkout session, then moves it to what Stripe has said about
   * its payment so far: refunds, failed refunds and disputes recorded before it was credited (an
   * event can arrive first: Stripe promises no order). The same runs on every redelivery, so
   * whatever order a purchase and its payment's events arrive in, and however often, the end
   * state is the same (docs/decisions/0500-refunds-before-purchases.md, 0210-stripe-later-word-wins.md).
   */
  async creditPurchase(input: PurchaseInput): Promise<PurchaseResult> {
    const parsed = purchaseInputSchema.parse(input);
    return this.#exclusive(async () => {
      const credited = await this.#change({ ...parsed, kind: "purchase", delta: parsed.amount });
      if (!credited.ok) return credited;
      const settled = await this.#settlePayment(parsed.stripeCheckoutSessionId);
      const refundedCredits = settled.ok ? -(settled.refund + settled.dispute) : 0;
      const balance = settled.ok ? settled.balance : credited.balance;
      return { ...credited, balance, refundedCredits: Math.max(0, refundedCredits) };
    });
  }

  /**
   * Moves a purchase's refund and dispute rows to what the recorded facts of its payment say
   * (durable-objects/credit-account/payment-facts.ts): the refunded share not failed, and what is
   * left of the pack while a dispute is open or lost. Read and written inside the lock, so two
   * events cannot both take (or give back) the same credits.
   */
  async settlePayment(input: SettlePaymentInput): Promise<SettlePaymentResult> {
    const parsed = settlePaymentInputSchema.parse(input);
    return this.#exclusive(() => this.#settlePayment(parsed.stripeCheckoutSessionId));
  }

  async #settlePayment(checkoutSessionId: string): Promise<SettlePaymentResult> {
    const businessId = this.#businessId();
    const db = this.#database();
    const purchase = await findPurchase(db, businessId, checkoutSessionId);
    const account = await this.#loaded();
    if (!account) return NO_SUCH_USER;
    if (!purchase) return { ok: false as const, reason: "purchase_not_found" as const, balance: account.balance };
    const facts = await paymentFactsOf(db, businessId, checkoutSessionId);
    const target = paymentTargets(purchase.credits, facts);
    const taken = { refund: purchase.refundedCredits, dispute: purchase.disputedCredits };
    const moved = { refund: 0, dispute: 0 };
    let shortfall = 0;
    let balance = account.balance;
    // Give back before taking, so a refund that failed and a dispute opened at once net out
    // without a shortfall that the order of the two would decide.
    const steps: ("refund" | "dispute")[] = [];
    for (const kind of ["dispute", "refund"] as const) if (taken[kind] > target[kind]) steps.push(kind);
    for (const kind of ["refund", "dispute"] as const) if (taken[kind] < target[kind]) steps.push(kind);
    for (const kind of steps) {
      const delta = taken[kind] - target[kind];
      const result = await this.#change({
        delta,
        kind,
        idempotencyKey: paymentStateKey(kind, checkoutSessionId, facts),
        stripeCheckoutSessionId: checkoutSessionId,
        description: paymentDescription(kind, delta, facts),
        allowPartial: true,
      });
      if (!result.ok) {
        if (result.reason === "no_such_user") return NO_SUCH_USER;
        throw new Error("a partial debit cannot be refused");
      }
      balance = result.balance;
      if (result.duplicate) continue;
      moved[kind] += result.entry?.delta ?? 0;
      shortfall += result.shortfall;
    }
    return { ok: true as const, refund: moved.refund, dispute: moved.dispute, shortfall, balance, target };
  }

  /** The balance after every change queued before this call (0 for a user that does not exist). */
  async balance(): Promise<number> {
    return this.#exclusive(async () => (await this.#loaded())?.balance ?? 0);
  }

  /**
   * Holds up to `maxCredits` of the *available* balance (balance minus the holds of calls in
   * progress) for a call, or refuses when less than `minCredits` is available. The same call id
   * again answers its existing hold; a call whose hold was settled or voided gets `call_over`
   * and no second hold (a replay). An alarm voids the hold when no report settles it. Refused
   * for credit with `forwardsPerDay` given, it also decides the out-of-credit forward (`forward`).
   */
  async reserve(input: ReserveInput): Promise<ReserveResult> {
    const parsed = reserveInputSchema.parse(input);
    return this.#exclusive(async () => {
      const account = await this.#loaded();
      if (!account) return NO_SUCH_USER;
      const now = this.#now();
      const existing = this.#holds.get(parsed.callId, now);
      const reserved = this.#holds.reserved(now);
      if (existing) return { ok: true as const, held: existing.credits, duplicate: true, available: account.balance - reserved };
      if (this.#holds.isOver(parsed.callId, now)) return { ok: false as const, reason: "call_over" as const };
      const available = account.balance - reserved;
      if (available < parsed.minCredits) {
        const forward = parsed.forwardsPerDay !== undefined && this.#forwards.allow(parsed.callId, parsed.forwardsPerDay, now);
        return { ok: false as const, reason: "insufficient_credits" as const, available: Math.max(0, available), forward };
      }
      this.#holds.pruneOver(now);
      const held = Math.min(parsed.maxCredits, available);
      const hold: Hold = { credits: held, expiresAt: now + parsed.expiresInSeconds * 1000 };
      this.#holds.put(parsed.callId, hold);
      await this.#scheduleAlarm(now);
      return { ok: true as const, held, duplicate: false, available: available - held };
    });
  }

  /**
   * Debits the call's real charge once (ledger key `call:<vapi call id>`, taking what is left if
   * the call outran the balance) and releases its hold. The charge never exceeds the hold (or,
   * with no live hold, `maxCredits`); a report longer than that is logged, not billed. A report
   * with no hold (it came first, or the hold expired) settles the same way.
   */
  async settle(input: SettleInput): Promise<SettleResult> {
    const parsed = settleInputSchema.parse(input);
    const config = this.#core$().config;
    return this.#exclusive(async () => {
      const hold = this.#holds.get(parsed.callId, this.#now());
      const ceiling = hold?.credits ?? parsed.maxCredits;
      const { charge, wanted } = cappedCallCharge(parsed.seconds, ceiling, config.CREDITS_PER_MINUTE, config.MIN_BILLABLE_SECONDS);
      if (wanted > charge) {
        this.#logger$().warn("call charge capped at what its hold allowed", {
          vapiCallId: parsed.callId,
          seconds: parsed.seconds,
          wantedCredits: wanted,
          chargedCredits: charge,
          heldCredits: hold?.credits ?? null,
        });
      }
      let charged = 0;
      let duplicate = false;
      let balance: number;
      if (charge > 0) {
        const result = await this.#change({
          delta: -charge,
          kind: "call",
          idempotencyKey: `call:${parsed.callId}`,
          callId: parsed.callRowId,
          description: parsed.seconds === undefined ? "Call of unknown length (charged its hold)" : `Call of ${Math.ceil(parsed.seconds)} s`,
          allowPartial: true,
        });
        if (!result.ok) return NO_SUCH_USER;
        charged = result.entry ? -result.entry.delta : 0;
        duplicate = result.duplicate;
        balance = result.balance;
      } else {
        const account = await this.#loaded();
        if (!account) return NO_SUCH_USER;
        balance = account.balance;
      }
      const releasedHold = this.#holds.release(parsed.callId);
      await this.#scheduleAlarm(this.#now());
      return { ok: true as const, charged, duplicate, balance, releasedHold };
    });
  }

  /**
   * Whether a call that is refused for another reason than credit (agent paused, no agent) may be
   * forwarded to the owner: the same daily bound as the out-of-credit forward, the same call
   * answered the same way again.
   */
  async forward(input: ForwardInput): Promise<{ allowed: boolean }> {
    const parsed = forwardInputSchema.parse(input);
    return this.#exclusive(async () => ({ allowed: this.#forwards.allow(parsed.callId, parsed.forwardsPerDay, this.#now()) }));
  }

  /**
   * Charges one text (ledger kind `text`, once per key) out of the available balance: the balance
   * minus the holds of calls in progress, so a text never takes credits a live call may need. A
   * key already used answers its first charge, however the balance stands now.
   */
  async chargeText(input: TextChargeInput): Promise<TextChargeResult> {
    const parsed = textChargeInputSchema.parse(input);
    return this.#exclusive(async () => {
      const account = await this.#loaded();
      if (!account) return NO_SUCH_USER;
      const available = account.balance - this.#holds.reserved(this.#now());
      if (available < parsed.credits && !account.allowNegative) {
        const prior = await findEntry(this.#database(), parsed.idempotencyKey);
        if (!prior) return { ok: false as const, reason: "insufficient_credits" as const, available: Math.max(0, available) };
      }
      const result = await this.#change({ delta: -parsed.credits, kind: "text", idempotencyKey: parsed.idempotencyKey, description: parsed.description });
      if (!result.ok) return result.reason === "no_such_user" ? NO_SUCH_USER : { ok: false as const, reason: "insufficient_credits" as const, available: Math.max(0, result.balance) };
      return { ok: true as const, duplicate: result.duplicate, charged: result.entry ? -result.entry.delta : 0, balance: result.balance };
    });
  }

  /** Gives a charged text that was never sent its credits back, once per key. */
  async refundText(input: TextRefundInput): Promise<{ ok: boolean; balance: number }> {
    const parsed = textRefundInputSchema.parse(input);
    return this.#exclusive(async () => {
      const result = await this.#change({ delta: parsed.credits, kind: "text", idempotencyKey: parsed.idempotencyKey, description: parsed.description });
      return result.ok ? { ok: true, balance: result.balance } : { ok: false, balance: 0 };
    });
  }

  /** Credits held by calls in progress. */
  async reserved(): Promise<number> {
    return this.#exclusive(async () => this.#holds.reserved(this.#now()));
  }

  /** Voids the holds whose calls never reported, then waits for the next expiry. */
  override async alarm(): Promise<void> {
    await this.#exclusive(async () => {
      const now = this.#now();
      const count = this.#holds.count();
      const remaining = this.#holds.live(now).size;
      if (count > remaining) this.#logger$().info("expired call holds voided", { voided: count - remaining });
      await this.#scheduleAlarm(now);
    });
  }

  async #scheduleAlarm(now: number) {
    const next = this.#holds.nextExpiry(now);
    if (next === null) await this.ctx.storage.deleteAlarm();
    else if ((await this.ctx.storage.getAlarm()) !== next) await this.ctx.storage.setAlarm(next);
  }

  /** An owner with no credits left takes no calls (docs/architecture.md §4). */
  async canAcceptCall(): Promise<boolean> {
    return (await this.balance()) > 0;
  }

  /** Runs `work` after everything queued before it; a failure does not stop the queue. */
  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(work);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #change(change: Change): Promise<ChangeResult> {
    const businessId = this.#businessId();
    const db = this.#database();
    try {
      for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
        const account = await this.#loaded();
        if (!account) return NO_SUCH_USER;
        let delta = change.delta;
        let shortfall = 0;
        if (delta < 0 && !account.allowNegative && account.balance + delta < 0) {
          // Short: a retried key must still answer with its first result, and a cache that
          // missed an outside change must not refuse, so look at both before deciding.
          const prior = await findEntry(db, change.idempotencyKey);
          if (prior) return await this.#duplicate(prior.entry, prior.ownerId);
          const fresh = await loadAccount(db, businessId);
          if (!fresh) return NO_SUCH_USER;
          if (fresh.balance !== account.balance || fresh.allowNegative !== account.allowNegative) {
            this.#account = fresh;
            continue;
          }
          if (!change.allowPartial) {
            return { ok: false, reason: "insufficient_credits", balance: account.balance, requested: -change.delta };
          }
          shortfall = -(account.balance + delta);
          delta = -account.balance;
          if (delta === 0) return { ok: true, duplicate: false, entry: null, balance: account.balance, shortfall, lowCreditQueued: false };
        }
        const outcome = await writeLedger(db, {
          businessId,
          expectedBalance: account.balance,
          delta,
          kind: change.kind,
          idempotencyKey: change.idempotencyKey,
          stripeCheckoutSessionId: change.stripeCheckoutSessionId,
          callId: change.callId,
          description: change.description,
        });
        switch (outcome.status) {
          case "applied": {
            const { entry, threshold, topUpBelow } = outcome;
            this.#account = { ...account, balance: entry.balanceAfter, threshold, topUpBelow };
            const lowCreditQueued = await this.#warnIfCrossed(entry, threshold);
            await this.#topUpIfCrossed(entry, topUpBelow);
            return { ok: true, duplicate: false, entry, balance: entry.balanceAfter, shortfall, lowCreditQueued };
          }
          case "duplicate":
            this.#account = outcome.account;
            return await this.#duplicate(outcome.entry, outcome.ownerId);
          case "stale":
            this.#logger$().warn("balance changed outside the CreditAccount; re-read", { businessId, expected: account.balance, actual: outcome.account.balance });
            this.#account = outcome.account;
            continue;
          case "no_user":
            this.#account = undefined;
            return NO_SUCH_USER;
        }
      }
      throw new Error(`CreditAccount ${businessId}: the balance kept changing outside the object; gave up after ${MAX_WRITE_ATTEMPTS} attempts`);
    } catch (error) {
      // A failed query may or may not have committed: forget the cache, re-read next time.
      this.#account = undefined;
      if (sqlState(error) === "23505") return this.#afterUniqueViolation(change, error);
      throw error;
    }
  }

  /** A concurrent writer used the key (or bought with the checkout session) first: answer with its row. */
  async #afterUniqueViolation(change: Change, error: unknown): Promise<ChangeResult> {
    const db = this.#database();
    const prior = await findEntry(db, change.idempotencyKey);
    if (prior) return this.#duplicate(prior.entry, prior.ownerId);
    if (change.kind === "purchase" && change.stripeCheckoutSessionId) {
      const purchase = await findPurchaseEntry(db, change.stripeCheckoutSessionId);
      if (purchase) return this.#duplicate(purchase.entry, purchase.ownerId);
    }
    throw error;
  }

  async #duplicate(entry: LedgerEntry, ownerId: string): Promise<Success> {
    const businessId = this.#businessId();
    if (ownerId !== businessId) throw new Error(`CreditAccount ${businessId}: idempotency key already used by another account`);
    const account = (await this.#loaded()) ?? { balance: 0, threshold: 0, topUpBelow: null };
    // At-least-once: if the first write crossed the threshold but its warning never got queued,
    // a retry queues it again; the email's key (from the ledger row) keeps it to one email.
    const lowCreditQueued = await this.#warnIfCrossed(entry, account.threshold);
    // The same for an auto top-up: the crossing's row is found again, its payment queued again.
    await this.#topUpIfCrossed(entry, account.topUpBelow);
    return { ok: true, duplicate: true, entry, balance: account.balance, shortfall: 0, lowCreditQueued };
  }

  async #warnIfCrossed(entry: LedgerEntry, threshold: number): Promise<boolean> {
    const before = entry.balanceAfter - entry.delta;
    if (!(before >= threshold && entry.balanceAfter < threshold)) return false;
    const message: SideEffectMessage = {
      type: "email.low_credit",
      idempotencyKey: `low-credit:${entry.id}`,
      businessId: this.#businessId(),
      balance: entry.balanceAfter,
      threshold,
    };
    try {
      await this.env.SIDE_EFFECTS.send(message);
    } catch (error) {
      // The change is committed; failing the call makes the caller retry with the same key,
      // which lands in #duplicate and queues the warning again.
      this.#logger$().error("low-credit warning could not be queued", { businessId: message.businessId, entryId: entry.id, error: String(error) });
      throw new Error("the balance changed but the low-credit warning could not be queued; retry with the same idempotency key");
    }
    return true;
  }

  /**
   * One auto top-up per crossing below the owner's level (ADR 0211): the claim is one statement
   * keyed by the ledger row that crossed; a pending one is queued for the payment, which is made
   * off the object's queue (a Stripe call must not hold up every settle behind it).
   */
  async #topUpIfCrossed(entry: LedgerEntry, level: number | null): Promise<void> {
    if (!crossedBelow(entry, level)) return;
    const businessId = this.#businessId();
    const claim = await claimAutoTopUp(this.#database(), { businessId, entryId: entry.id, packs: this.#core$().config.CREDIT_PACKS });
    if (!claim) return;
    if (claim.status === "capped") {
      this.#logger$().info("auto top-up skipped: the monthly cap is reached", { businessId, topUpId: claim.id });
      return;
    }
    if (claim.status !== "pending") return;
    const message: SideEffectMessage = { type: "billing.auto_top_up", idempotencyKey: `auto-top-up:${claim.id}`, businessId, topUpId: claim.id };
    try {
      await this.env.SIDE_EFFECTS.send(message);
    } catch (error) {
      // As for the low-credit warning: the caller's retry with the same key finds the claim and queues it again.
      this.#logger$().error("auto top-up could not be queued", { businessId, topUpId: claim.id, error: String(error) });
      throw new Error("the balance changed but the auto top-up could not be queued; retry with the same idempotency key");
    }
  }

  async #loaded(): Promise<AccountRow | null> {
    if (this.#account) return this.#account;
    const account = await loadAccount(this.#database(), this.#businessId());
    if (account) this.#account = account;
    return account;
  }

  /**
   * The business this object belongs to: the name it was addressed by, remembered in storage.
   * Objects made before teams remembered it as `userId` (the migrated business has that id, ADR 0130).
   */
  #businessId(): string {
    const stored = this.ctx.storage.kv.get<string>("businessId") ?? this.ctx.storage.kv.get<string>("userId");
    const name = this.ctx.id.name;
    if (name && stored && name !== stored) throw new Error("CreditAccount addressed by a name other than its business's");
    const businessId = name ?? stored;
    if (!businessId || !UUID.test(businessId)) throw new Error("CreditAccount must be addressed with idFromName(businessId)");
    if (!stored) this.ctx.storage.kv.put("businessId", businessId);
    return businessId;
  }

  #core$(): AccountCore {
    this.#core ??= createAccountCore(this.env);
    return this.#core;
  }

  #now(): number {
    return this.#core$().now();
  }

  #database(): Database {
    return this.#core$().db;
  }

  #logger$(): Logger {
    return this.#core$().logger;
  }
}
