/** Webhooks from the services we use; each authenticates by its own signature, not a session. */
import { Hono } from "hono";
import type { HonoEnv } from "../../hono-env";
import { stripeWebhookRoutes } from "./stripe";
import { twilioWebhookRoutes } from "./twilio";
import { vapiWebhookRoutes } from "./vapi";

export const webhookRoutes = new Hono<HonoEnv>().route("/", stripeWebhookRoutes).route("/", vapiWebhookRoutes).route("/", twilioWebhookRoutes);
