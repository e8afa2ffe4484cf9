/**
 * The CreditAccount's holds on calls in progress (docs/architecture.md §4, TigerBeetle's pending transfers):
 * one `hold:<vapi call id>` entry per call in the object's own transactional storage, never in
 * the ledger. A hold expires (a Durable Object alarm voids it) when no report settles it.
 *
 * A hold that was released (settled) or voided leaves an `over:<vapi call id>` mark for an hour,
 * so a replayed or late assistant-request for that call opens no second hold (issue 18 item 3,
 * ADR 0420): the signature's window is 5 minutes, Vapi's retries are seconds apart.
 */
import { z } from "zod";
import { firstUse } from "../../lib/first-use";

export interface Hold {
  credits: number;
  /** ms since the epoch. */
  expiresAt: number;
}

const PREFIX = "hold:";
const OVER_PREFIX = "over:";
/** How long a finished call's mark outlives its hold. */
export const OVER_MARK_MS = 60 * 60 * 1000;

// Built on the first reserve or settle, not at startup (lib/first-use.ts, ADR 0900).
const built = firstUse(() => {
  const reserveInputSchema = z.object({
    /** Vapi's call id: a redelivered assistant-request finds its hold again. */
    callId: z.string().trim().min(1).max(200),
    /** The most the call may hold: the agent's call cap in credits. */
    maxCredits: z.number().int().positive().max(100_000),
    /** Refuse the call when less than this is available (one minute of talk). */
    minCredits: z.number().int().positive().max(100_000),
    /** How long the hold lives without a report: the call cap plus a grace period. */
    expiresInSeconds: z.number().int().positive().max(7 * 24 * 3600),
    /**
     * When given and the call cannot be held, the object also decides whether the caller may be
     * forwarded (out of credit): at most this many forwards per UTC day (ADR 0420).
     */
    forwardsPerDay: z.number().int().nonnegative().max(100_000).optional(),
  });

  const forwardInputSchema = z.object({
    callId: z.string().trim().min(1).max(200),
    forwardsPerDay: z.number().int().nonnegative().max(100_000),
  });

  const settleInputSchema = z
    .object({
      callId: z.string().trim().min(1).max(200),
      /**
       * The call's billed length; the charge is ceil(seconds / 60 × CREDITS_PER_MINUTE). Absent
       * when nothing says how long the call ran: the call is then charged its hold (or
       * `maxCredits`), never nothing.
       */
      seconds: z.number().nonnegative().max(7 * 24 * 3600).optional(),
      /**
       * The most any hold for this call could have been (the call cap in credits): the ceiling
       * when the call has no live hold (its report came first, or the hold expired).
       */
      maxCredits: z.number().int().nonnegative().max(100_000).optional(),
      /** Our calls.id, written on the ledger row. */
      callRowId: z.uuid().optional(),
    })
    .refine((input) => input.seconds !== undefined || input.maxCredits !== undefined, {
      message: "a call without a length needs maxCredits",
      path: ["maxCredits"],
    });

  return { reserveInputSchema, settleInputSchema, forwardInputSchema };
});

export const reserveInputSchema = z.lazy(() => built().reserveInputSchema);
export const settleInputSchema = z.lazy(() => built().settleInputSchema);
export const forwardInputSchema = z.lazy(() => built().forwardInputSchema);

export type ReserveInput = z.input<typeof reserveInputSchema>;
export type SettleInput = z.input<typeof settleInputSchema>;
export type ForwardInput = z.input<typeof forwardInputSchema>;

export type ReserveResult =
  | { ok: true; held: number; duplicate: boolean; available: number }
  /** `forward`: whether the caller may be forwarded instead (only when `forwardsPerDay` was given). */
  | { ok: false; reason: "insufficient_credits"; available: number; forward: boolean }
  /** The call's hold was settled or voided already: a replay or a late duplicate. */
  | { ok: false; reason: "call_over" }
  | { ok: false; reason: "no_such_user" };

export type SettleResult =
  | { ok: true; charged: number; duplicate: boolean; balance: number; releasedHold: number }
  | { ok: false; reason: "no_such_user" };

/**
 * What a call is charged (docs/architecture.md §4, issue 18.2): its length's price, but never more than its
 * hold allowed — Vapi ends the call at the `maxDurationSeconds` the hold gave it, so a longer
 * report is wrong or hostile. With no length, the ceiling itself (never free by omission).
 * `ceiling` is the live hold, else the call cap; undefined only for an uncapped legacy caller.
 */
export function cappedCallCharge(
  seconds: number | undefined,
  ceiling: number | undefined,
  creditsPerMinute: number,
  minBillableSeconds: number,
): { charge: number; wanted: number } {
  const wanted = seconds === undefined ? (ceiling ?? 0) : callCharge(seconds, creditsPerMinute, minBillableSeconds);
  return { charge: ceiling === undefined ? wanted : Math.min(wanted, ceiling), wanted };
}

export const holdKey = (callId: string) => `${PREFIX}${callId}`;

/**
 * The holds, mirrored in memory: storage is read once per object lifetime, not on every call.
 * Only this object writes its storage, so the mirror cannot go stale; an evicted object starts
 * with an empty mirror and reads storage again. (Listing storage on each assistant-request cost
 * time in proportion to the holds open — thousands on a busy account, ADR 0903.)
 */
export class HoldBook {
  readonly #kv: SyncKvStorage;
  #holds: Map<string, Hold> | undefined;
  /** Calls whose hold is over (settled or voided), with when the mark itself expires. */
  #over: Map<string, number> | undefined;

  constructor(kv: SyncKvStorage) {
    this.#kv = kv;
  }

  #all(): Map<string, Hold> {
    if (!this.#holds) {
      this.#holds = new Map();
      for (const [key, hold] of this.#kv.list<Hold>({ prefix: PREFIX })) this.#holds.set(key.slice(PREFIX.length), hold);
    }
    return this.#holds;
  }

  #overMarks(): Map<string, number> {
    if (!this.#over) {
      this.#over = new Map();
      for (const [key, until] of this.#kv.list<number>({ prefix: OVER_PREFIX })) this.#over.set(key.slice(OVER_PREFIX.length), until);
    }
    return this.#over;
  }

  #markOver(callId: string, now: number): void {
    const until = now + OVER_MARK_MS;
    this.#kv.put(`${OVER_PREFIX}${callId}`, until);
    this.#overMarks().set(callId, until);
  }

  /** Whether the call's hold was settled or voided within the last hour. */
  isOver(callId: string, now: number): boolean {
    const until = this.#overMarks().get(callId);
    return until !== undefined && until > now;
  }

  /** Forgets the marks that have expired (run when a hold is opened, so they cannot pile up). */
  pruneOver(now: number): void {
    const marks = this.#overMarks();
    for (const [callId, until] of marks) {
      if (until <= now) {
        this.#kv.delete(`${OVER_PREFIX}${callId}`);
        marks.delete(callId);
      }
    }
  }

  /** Every live hold; ones past their expiry are voided on the way (the alarm may be late). */
  live(now: number): Map<string, Hold> {
    const holds = this.#all();
    for (const [callId, hold] of holds) {
      if (hold.expiresAt <= now) {
        this.#kv.delete(holdKey(callId));
        holds.delete(callId);
        this.#markOver(callId, now);
      }
    }
    return holds;
  }

  /** How many holds there are, expired ones included. */
  count(): number {
    return this.#all().size;
  }

  get(callId: string, now: number): Hold | undefined {
    return this.live(now).get(callId);
  }

  put(callId: string, hold: Hold): void {
    this.#kv.put(holdKey(callId), hold);
    this.#all().set(callId, hold);
  }

  /** Releases the call's hold; answers how many credits it held (0 when there was none). */
  release(callId: string): number {
    const holds = this.#all();
    const credits = holds.get(callId)?.credits ?? 0;
    this.#kv.delete(holdKey(callId));
    holds.delete(callId);
    this.#markOver(callId, Date.now());
    return credits;
  }

  reserved(now: number): number {
    let total = 0;
    for (const hold of this.live(now).values()) total += hold.credits;
    return total;
  }

  /** The earliest expiry among the live holds: when the alarm should next fire. */
  nextExpiry(now: number): number | null {
    let next: number | null = null;
    for (const hold of this.live(now).values()) if (next === null || hold.expiresAt < next) next = hold.expiresAt;
    return next;
  }
}

/** ceil(seconds / 60 × credits per minute); calls under the free threshold cost nothing (docs/architecture.md §4). */
export function callCharge(seconds: number, creditsPerMinute: number, minBillableSeconds: number): number {
  if (seconds <= 0 || seconds < minBillableSeconds) return 0;
  return Math.ceil((seconds * creditsPerMinute) / 60 - 1e-9);
}
