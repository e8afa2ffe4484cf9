/**
 * `POST /api/webhooks/vapi`: every server message of every call (docs/vapi.md). Authenticate over the
 * raw body first (HMAC credential; the legacy X-Vapi-Secret only with VAPI_ACCEPT_LEGACY_SECRET) — a refused message gets 401 and
 * writes nothing; then parse (400 for a malformed body, 200 and ignored for a type we do not act
 * on); then dispatch. Tool calls always answer 200 with a result per call.
 */
import { Hono } from "hono";
import { AppError, errorBody, requireSetting } from "../../errors";
import type { HonoEnv } from "../../hono-env";
import { parseVapiMessage } from "../../integrations/vapi/messages";
import { verifyVapiRequest } from "../../integrations/vapi/verify";
import { answerAssistantRequest } from "../../services/calls/assistant-request";
import { recordStatus, recordTranscript } from "../../services/calls/live";
import { handleEndOfCallReport, REPORT_CLAIM_TTL_SECONDS } from "../../services/calls/report";
import { answerToolCalls } from "../../services/calls/tool-calls";
import { keepUndeliveredVapiMessage } from "../../services/calls/undelivered";

/** A long call's report (transcript, messages, costs) can pass the API's usual 1 MiB. */
export const VAPI_MAX_BODY_BYTES = 8 * 1024 * 1024;

export const vapiWebhookRoutes = new Hono<HonoEnv>().post("/webhooks/vapi", async (c) => {
  const services = c.var.services;
  const { config, logger } = services;
  const secret = requireSetting(config.VAPI_WEBHOOK_SECRET, "VAPI_WEBHOOK_SECRET", "Vapi webhooks");
  const rawBody = await c.req.text();
  const auth = await verifyVapiRequest(
    { signature: c.req.header("x-signature"), timestamp: c.req.header("x-timestamp"), legacySecret: c.req.header("x-vapi-secret") },
    rawBody,
    secret,
    { acceptLegacySecret: config.VAPI_ACCEPT_LEGACY_SECRET },
  );
  if (!auth.ok) {
    logger.warn("vapi webhook refused", { reason: auth.reason });
    throw new AppError("unauthenticated", "This request is not signed with our Vapi webhook credential.");
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    await keepUndeliveredVapiMessage(services, rawBody, "invalid_json");
    throw new AppError("invalid_json", "The body is not JSON.");
  }
  const parsed = parseVapiMessage(body);
  if (parsed.kind === "malformed") {
    const first = parsed.issues[0];
    const reason = first ? `${first.path}: ${first.message}` : "Not a Vapi server message.";
    // Kept whole before the 4xx (ADR 0410): a replay or reconciliation can apply it later.
    await keepUndeliveredVapiMessage(services, rawBody, reason);
    throw new AppError("validation_failed", reason, parsed.issues);
  }
  if (parsed.kind === "ignored") return c.json({ received: true, ignored: parsed.type }, 200);
  const message = parsed.message;
  switch (message.type) {
    case "assistant-request":
      return c.json(await answerAssistantRequest(services, message), 200);
    case "tool-calls":
      return c.json(await answerToolCalls(services, message), 200);
    case "status-update":
      await recordStatus(services, message);
      return c.json({ received: true }, 200);
    case "end-of-call-report": {
      const outcome = await handleEndOfCallReport(services, message);
      if (outcome === "in_progress") {
        // Not an error of ours: another delivery holds the claim. 5xx so Vapi retries this one.
        logger.warn("end-of-call report already being acted on; asked Vapi to retry", { vapiCallId: message.call.id });
        c.header("Retry-After", String(REPORT_CLAIM_TTL_SECONDS));
        return c.json(errorBody("busy", "This call's report is being processed by another delivery; retry later.", c.get("requestId")), 503);
      }
      return c.json({ received: true, outcome }, 200);
    }
    default:
      await recordTranscript(services, message);
      return c.json({ received: true }, 200);
  }
});
