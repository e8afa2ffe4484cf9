/**
 * The out-of-credit forward counter (docs/architecture.md §4, ADR 0420): a business may have its callers
 * forwarded to the owner's phone at most OUT_OF_CREDIT_FORWARDS_PER_DAY times per UTC day, since
 * a forwarded call is paid by us, not by credits. Kept in the CreditAccount's own storage (the
 * object serialises per tenant, and assistant-request calls it anyway): one `forwards` entry with
 * the day and the call ids forwarded that day (and the day before's, for a redelivery across
 * midnight), so a redelivered request for the same call is answered the same way without
 * counting twice.
 */

interface ForwardDay {
  day: string;
  callIds: string[];
  /** The day before's call ids: a call forwarded at 23:59 and redelivered at 00:01 is the same call. */
  previous?: { day: string; callIds: string[] };
}

const KEY = "forwards";
const DAY_MS = 24 * 60 * 60 * 1000;

const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);

export class ForwardBook {
  readonly #kv: SyncKvStorage;

  constructor(kv: SyncKvStorage) {
    this.#kv = kv;
  }

  /** Whether this call may be forwarded today; counts it when it is a new one within the limit. */
  allow(callId: string, perDay: number, now: number): boolean {
    const day = utcDay(now);
    const yesterday = utcDay(now - DAY_MS);
    const stored = this.#kv.get<ForwardDay>(KEY);
    const today: ForwardDay =
      stored?.day === day ? stored : { day, callIds: [], ...(stored?.day === yesterday ? { previous: { day: yesterday, callIds: stored.callIds } } : {}) };
    if (today.callIds.includes(callId)) return true;
    // Forwarded yesterday (a redelivery across midnight): answered the same, not counted today.
    if (today.previous?.day === yesterday && today.previous.callIds.includes(callId)) return true;
    if (today.callIds.length >= perDay) return false;
    this.#kv.put(KEY, { ...today, callIds: [...today.callIds, callId] });
    return true;
  }
}
