/**
 * Webhooks the stand-ins send (the Stripe checkout page's Pay, refunds) while the worker runs
 * inside workerd, where nothing listens on APP_URL: test/global-setup.ts starts the stand-ins
 * with `relayWebhooks`, so each delivery parks on the stand-in's relay (kit.mjs "Relay"), and
 * `passOnWebhook` hands it to the worker and the worker's answer back to the sender.
 */
import { call } from "./http";
import { standInUrl } from "./stand-ins";

export interface RelayedDelivery {
  id: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** The oldest delivery `standIn` has parked (waiting up to `waitMs` for one), passed on to the worker. */
export async function passOnWebhook(standIn: string, waitMs = 10_000) {
  const base = standInUrl(standIn);
  const taken = (await (await fetch(`${base}/__control/relay?waitMs=${waitMs}`)).json()) as { delivery: RelayedDelivery | null };
  const delivery = taken.delivery;
  if (!delivery) throw new Error(`the ${standIn} stand-in sent no webhook within ${waitMs} ms`);
  // The hop headers of the sender's connection are not the request's own.
  const headers = Object.fromEntries(Object.entries(delivery.headers).filter(([name]) => !["host", "connection", "content-length", "transfer-encoding"].includes(name)));
  const response = await call(delivery.path, { method: delivery.method, headers, body: delivery.body });
  const body = await response.text();
  await fetch(`${base}/__control/relay/${delivery.id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status: response.status, body }),
  });
  return { delivery, status: response.status, body: body ? (JSON.parse(body) as Record<string, unknown>) : null };
}

/**
 * The oldest delivery `standIn` has parked, acknowledged to the sender (200) without passing it
 * on: for a test that delivers it itself later, in an order of its choosing. The sender sees a
 * success, so nothing is retried into a later test.
 */
export async function holdWebhook(standIn: string, waitMs = 10_000): Promise<RelayedDelivery> {
  const base = standInUrl(standIn);
  const taken = (await (await fetch(`${base}/__control/relay?waitMs=${waitMs}`)).json()) as { delivery: RelayedDelivery | null };
  if (!taken.delivery) throw new Error(`the ${standIn} stand-in sent no webhook within ${waitMs} ms`);
  await fetch(`${base}/__control/relay/${taken.delivery.id}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status: 200, body: JSON.stringify({ received: true }) }),
  });
  return taken.delivery;
}
