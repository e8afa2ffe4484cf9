/**
 * Stripe stand-in: Customers (`POST /v1/customers`, `GET /v1/customers/:id`, `DELETE
 * /v1/customers/:id`), with every field the pinned API version's Customer object carries. A
 * deleted customer is Stripe's DeletedCustomer from then on (`{id, object, deleted: true}`, also
 * on GET), its e-mail and name gone; deleting it again is Stripe's 404 `resource_missing`.
 */
import { checkMetadata, invalid, noSuch, now, randomId, unknownParam } from "./stripe-wire.mjs";

/** @param {import("./stripe.mjs").StripeContext} ctx */
export function customerRoutes(ctx) {
  function create(_req, params) {
    const unknown = unknownParam(params, ["email", "name", "metadata", "description", "phone"]);
    if (unknown) return unknown;
    const metadataError = checkMetadata(params.metadata);
    if (metadataError) return metadataError;
    if (params.email !== undefined && !/^[^\s@]+@[^\s@]+$/.test(params.email)) return invalid("email", `Invalid email address: ${params.email}`);
    const customer = {
      id: `cus_${randomId(14)}`,
      object: "customer",
      address: null,
      balance: 0,
      created: now(),
      currency: null,
      default_source: null,
      delinquent: false,
      description: params.description ?? null,
      discount: null,
      email: params.email ?? null,
      invoice_prefix: randomId(8).toUpperCase(),
      invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
      livemode: false,
      metadata: params.metadata ?? {},
      name: params.name ?? null,
      next_invoice_sequence: 1,
      phone: params.phone ?? null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: "none",
      test_clock: null,
    };
    ctx.customers.set(customer.id, customer);
    return { json: customer };
  }

  function remove(req) {
    const customer = ctx.customers.get(req.params[0]);
    if (!customer || customer.deleted) return noSuch("customer", req.params[0]);
    const deleted = { id: customer.id, object: "customer", deleted: true };
    ctx.customers.set(customer.id, deleted);
    return { json: deleted };
  }

  function retrieve(req) {
    const customer = ctx.customers.get(req.params[0]);
    return customer ? { json: customer } : noSuch("customer", req.params[0]);
  }

  return [
    { method: "POST", path: "/v1/customers", handle: ctx.api(create, { mutating: true }) },
    { method: "GET", path: /^\/v1\/customers\/([^/]+)$/, handle: ctx.api(retrieve) },
    { method: "DELETE", path: /^\/v1\/customers\/([^/]+)$/, handle: ctx.api(remove, { mutating: true }) },
  ];
}
