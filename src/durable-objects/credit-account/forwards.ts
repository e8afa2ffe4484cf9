/**
 * The out-of-credit forward counter (docs/architecture.md §4, ADR 0420): a business may have its callers
 * forwarded to the owner's phone at most OUT_OF_CREDIT_FORWARDS_PER_DAY times per UTC day, since
 * a forwarded call is paid by us, not by credits. Kept in the CreditAccount's own storage (the
 * object serialises per tenant, and assistant-request calls it anyway): one `forwards` entry with
 * the day and the call ids forwarded that day, so a redelivered request for the same call is
 * answered the same way without counting twice.
 */

interface ForwardDay {
  day: string;
  callIds: string[];
}

const KEY = "forwards";

export class ForwardBook {
  readonly #kv: SyncKvStorage;

  constructor(kv: SyncKvStorage) {
    this.#kv = kv;
  }

  /** Whether this call may be forwarded today; counts it when it is a new one within the limit. */
  allow(callId: string, perDay: number, now: number): boolean {
    const day = new Date(now).toISOString().slice(0, 10);
    const stored = this.#kv.get<ForwardDay>(KEY);
    const today = stored?.day === day ? stored : { day, callIds: [] };
    if (today.callIds.includes(callId)) return true;
    if (today.callIds.length >= perDay) return false;
    this.#kv.put(KEY, { day, callIds: [...today.callIds, callId] });
    return true;
  }
}
