/**
 * Stripe stand-in: Events and their webhook delivery. An event is built as Stripe builds it
 * (`request.id` is the API request that caused it, null for what happened on the hosted page),
 * signed with the webhook secret (`Stripe-Signature: t=…,v1=…`) and POSTed to the webhook URL;
 * a failed delivery is retried a few times. Every event keeps its payload, signature and
 * delivery results, so a test can replay exactly what was sent.
 */
import { API_VERSION, now, randomId, signatureHeader } from "./stripe-wire.mjs";

/** Webhook deliveries that fail are retried after these delays (Stripe retries for days). */
const RETRY_DELAYS_MS = [2_000, 10_000, 30_000];
const MAX_EVENTS = 1000;

/**
 * @typedef {{ id: string, type: string, payload: string, signature: string, deliveries: { at: string, status?: number, error?: string }[] }} EventRecord
 * @param {{ events: EventRecord[], save: () => void, webhookUrl: () => string, webhookSecret: string }} options
 */
export function createEvents({ events, save, webhookUrl, webhookSecret }) {
  /** @type {Set<NodeJS.Timeout>} */
  const timers = new Set();

  /**
   * Builds, signs and delivers an event; resolves with its record after the first attempt.
   * @param {string} type
   * @param {unknown} object
   * @param {{ previousAttributes?: Record<string, unknown>, apiVersion?: string, request?: { id: string | null, idempotency_key: string | null } }} [options]
   */
  async function emit(type, object, { previousAttributes, apiVersion = API_VERSION, request = { id: null, idempotency_key: null } } = {}) {
    const event = {
      id: `evt_${randomId(24)}`,
      object: "event",
      api_version: apiVersion,
      created: now(),
      data: previousAttributes ? { object, previous_attributes: previousAttributes } : { object },
      livemode: false,
      pending_webhooks: 1,
      request,
      type,
    };
    /** @type {EventRecord} */
    const record = { id: event.id, type, payload: JSON.stringify(event, null, 2), signature: "", deliveries: [] };
    events.push(record);
    // The newest events are what a test or a developer looks at; the kept file stays small.
    if (events.length > MAX_EVENTS) events.splice(0, events.length - MAX_EVENTS);
    save();
    await deliver(record, 0);
    return record;
  }

  /** @param {EventRecord} record @param {number} attempt */
  async function deliver(record, attempt) {
    record.signature = signatureHeader(record.payload, webhookSecret);
    try {
      const response = await fetch(webhookUrl(), {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": record.signature, "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" },
        body: record.payload,
        signal: AbortSignal.timeout(10_000),
      });
      record.deliveries.push({ at: new Date().toISOString(), status: response.status });
      save();
      if (response.ok) return;
    } catch (error) {
      record.deliveries.push({ at: new Date().toISOString(), error: error instanceof Error ? error.message : String(error) });
      save();
    }
    const delay = RETRY_DELAYS_MS[attempt];
    if (delay === undefined) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void deliver(record, attempt + 1);
    }, delay);
    timer.unref();
    timers.add(timer);
  }

  return {
    emit,
    stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

/** How the last delivery of an event went, for the hosted page. @param {EventRecord} event */
export function describeDelivery(event) {
  const last = event.deliveries.at(-1);
  if (!last) return "not sent";
  return last.status ? `HTTP ${last.status}` : `failed (${last.error}); retrying`;
}
