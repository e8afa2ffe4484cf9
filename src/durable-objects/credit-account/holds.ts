/**
 * The CreditAccount's holds on calls in progress (DESIGN §4, TigerBeetle's pending transfers):
 * one `hold:<vapi call id>` entry per call in the object's own transactional storage, never in
 * the ledger. A hold expires (a Durable Object alarm voids it) when no report settles it.
 */
import { z } from "zod";
import { firstUse } from "../../lib/first-use";

export interface Hold {
  credits: number;
  /** ms since the epoch. */
  expiresAt: number;
}

const PREFIX = "hold:";

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

  return { reserveInputSchema, settleInputSchema };
});

export const reserveInputSchema = z.lazy(() => built().reserveInputSchema);
export const settleInputSchema = z.lazy(() => built().settleInputSchema);

export type ReserveInput = z.input<typeof reserveInputSchema>;
export type SettleInput = z.input<typeof settleInputSchema>;

export type ReserveResult =
  | { ok: true; held: number; duplicate: boolean; available: number }
  | { ok: false; reason: "insufficient_credits"; available: number }
  | { ok: false; reason: "no_such_user" };

export type SettleResult =
  | { ok: true; charged: number; duplicate: boolean; balance: number; releasedHold: number }
  | { ok: false; reason: "no_such_user" };

/**
 * What a call is charged (DESIGN §4, issue 18.2): its length's price, but never more than its
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

  /** Every live hold; ones past their expiry are voided on the way (the alarm may be late). */
  live(now: number): Map<string, Hold> {
    const holds = this.#all();
    for (const [callId, hold] of holds) {
      if (hold.expiresAt <= now) {
        this.#kv.delete(holdKey(callId));
        holds.delete(callId);
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

/** ceil(seconds / 60 × credits per minute); calls under the free threshold cost nothing (DESIGN §4). */
export function callCharge(seconds: number, creditsPerMinute: number, minBillableSeconds: number): number {
  if (seconds <= 0 || seconds < minBillableSeconds) return 0;
  return Math.ceil((seconds * creditsPerMinute) / 60 - 1e-9);
}
