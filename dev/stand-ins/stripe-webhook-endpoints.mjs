/**
 * Stripe stand-in: webhook endpoints (`POST /v1/webhook_endpoints`, `GET /v1/webhook_endpoints`,
 * `GET|POST|DELETE /v1/webhook_endpoints/:id`) in the shapes of the stripe package's
 * WebhookEndpoint types: the signing `secret` is answered only by the create, as Stripe does;
 * `disabled` on an update sets `status` to "disabled" or "enabled"; a list pages with `limit`
 * (1–100, default 10) and `starting_after`, newest first.
 */
import { randomBytes } from "node:crypto";
import { checkMetadata, invalid, isUrl, missing, noSuch, now, randomId, unknownParam } from "./stripe-wire.mjs";

/** @param {import("./stripe.mjs").StripeContext} ctx */
export function webhookEndpointRoutes(ctx) {
  const endpoints = ctx.webhookEndpoints;
  /** The endpoint as every answer but the create's shows it: without its secret. */
  const visible = ({ secret: _secret, ...endpoint }) => endpoint;

  function checkEvents(events, required) {
    if (events === undefined) return required ? missing("enabled_events", "Missing required param: enabled_events.") : null;
    if (!Array.isArray(events) || events.length === 0 || events.some((event) => typeof event !== "string" || !/^(\*|[a-z_]+(\.[a-z_]+)+)$/.test(event))) {
      return invalid("enabled_events", "Invalid array");
    }
    return null;
  }

  function create(_req, params) {
    const unknown = unknownParam(params, ["url", "enabled_events", "description", "metadata", "api_version", "connect", "expand"]);
    if (unknown) return unknown;
    if (params.url === undefined) return missing("url", "Missing required param: url.");
    if (!isUrl(params.url)) return invalid("url", "Invalid URL: must be a URL with an http or https scheme.");
    const eventsError = checkEvents(params.enabled_events, true);
    if (eventsError) return eventsError;
    const metadataError = checkMetadata(params.metadata);
    if (metadataError) return metadataError;
    const endpoint = {
      id: `we_${randomId(24)}`,
      object: "webhook_endpoint",
      api_version: params.api_version ?? null,
      application: null,
      created: now(),
      description: params.description || null,
      enabled_events: [...new Set(params.enabled_events)],
      livemode: false,
      metadata: params.metadata ?? {},
      secret: `whsec_${randomBytes(24).toString("hex")}`,
      status: "enabled",
      url: params.url,
    };
    endpoints.set(endpoint.id, endpoint);
    return { json: endpoint };
  }

  function list(_req, params) {
    const limit = params.limit === undefined ? 10 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid("limit", "This value must be greater than or equal to 1 and less than or equal to 100.");
    const all = endpoints.values().slice().reverse();
    let start = 0;
    if (params.starting_after !== undefined) {
      const index = all.findIndex((endpoint) => endpoint.id === params.starting_after);
      if (index < 0) return noSuch("webhook endpoint", params.starting_after, "starting_after");
      start = index + 1;
    }
    const page = all.slice(start, start + limit);
    return { json: { object: "list", data: page.map(visible), has_more: start + limit < all.length, url: "/v1/webhook_endpoints" } };
  }

  function retrieve(req) {
    const endpoint = endpoints.get(req.params[0]);
    return endpoint ? { json: visible(endpoint) } : noSuch("webhook endpoint", req.params[0]);
  }

  function update(req, params) {
    const endpoint = endpoints.get(req.params[0]);
    if (!endpoint) return noSuch("webhook endpoint", req.params[0]);
    const unknown = unknownParam(params, ["url", "enabled_events", "description", "metadata", "disabled", "expand"]);
    if (unknown) return unknown;
    if (params.url !== undefined && !isUrl(params.url)) return invalid("url", "Invalid URL: must be a URL with an http or https scheme.");
    const eventsError = checkEvents(params.enabled_events, false);
    if (eventsError) return eventsError;
    const metadataError = checkMetadata(params.metadata);
    if (metadataError) return metadataError;
    if (params.disabled !== undefined && params.disabled !== "true" && params.disabled !== "false") return invalid("disabled", "Invalid boolean");
    const updated = {
      ...endpoint,
      ...(params.url !== undefined ? { url: params.url } : {}),
      ...(params.enabled_events !== undefined ? { enabled_events: [...new Set(params.enabled_events)] } : {}),
      ...(params.description !== undefined ? { description: params.description || null } : {}),
      // Stripe merges metadata keys; an empty value unsets one.
      ...(params.metadata !== undefined
        ? { metadata: Object.fromEntries(Object.entries({ ...endpoint.metadata, ...params.metadata }).filter(([, value]) => value !== "")) }
        : {}),
      ...(params.disabled !== undefined ? { status: params.disabled === "true" ? "disabled" : "enabled" } : {}),
    };
    endpoints.set(endpoint.id, updated);
    return { json: visible(updated) };
  }

  function remove(req) {
    const endpoint = endpoints.get(req.params[0]);
    if (!endpoint) return noSuch("webhook endpoint", req.params[0]);
    endpoints.delete(endpoint.id);
    return { json: { id: endpoint.id, object: "webhook_endpoint", deleted: true } };
  }

  const ONE = /^\/v1\/webhook_endpoints\/([^/]+)$/;
  return [
    { method: "POST", path: "/v1/webhook_endpoints", handle: ctx.api(create, { mutating: true }) },
    { method: "GET", path: "/v1/webhook_endpoints", handle: ctx.api(list) },
    { method: "GET", path: ONE, handle: ctx.api(retrieve) },
    { method: "POST", path: ONE, handle: ctx.api(update, { mutating: true }) },
    { method: "DELETE", path: ONE, handle: ctx.api(remove, { mutating: true }) },
  ];
}
