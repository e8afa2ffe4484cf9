/**
 * Builds the API: request context → body limit → init (config, db) → routes, with one error
 * handler and one not-found handler. `AppType` lets the dashboard use Hono's typed client.
 */
import { Hono } from "hono";
import type { HonoEnv } from "./hono-env";
import { limitBody } from "./middleware/body-limit";
import { handleError, handleNotFound } from "./middleware/error-handler";
import { init } from "./middleware/init";
import { requireSameOrigin } from "./middleware/origin";
import { requestContext } from "./middleware/request-context";
import { agentsRoutes } from "./routes/agents";
import { appointmentsRoutes } from "./routes/appointments";
import { authRoutes } from "./routes/auth";
import { billingRoutes } from "./routes/billing";
import { businessRoutes } from "./routes/business";
import { callsRoutes } from "./routes/calls";
import { creditRoutes } from "./routes/credits";
import { dataRightsRoutes } from "./routes/data-rights";
import { generateRoutes } from "./routes/generate";
import { googleRoutes } from "./routes/google";
import { healthRoutes } from "./routes/health";
import { knowledgeRoutes } from "./routes/knowledge";
import { meRoutes } from "./routes/me";
import { membersRoutes } from "./routes/members";
import { opsRoutes } from "./routes/ops";
import { phoneNumbersRoutes } from "./routes/phone-numbers";
import { sandboxApiRoutes, sandboxPageRoutes } from "./routes/sandbox";
import { textsRoutes } from "./routes/texts";
import { tryRoutes } from "./routes/try";
import { voicesRoutes } from "./routes/voices";
import { webhookRoutes } from "./routes/webhooks";
import { VAPI_MAX_BODY_BYTES } from "./routes/webhooks/vapi";
import { WEBHOOK_PATH } from "./services/assistant";

export function createApp() {
  const app = new Hono<HonoEnv>();
  app.notFound(handleNotFound);
  app.onError(handleError);
  app.use("*", requestContext());
  // End-of-call reports carry the whole conversation: the Vapi webhook gets a larger limit.
  const defaultBodyLimit = limitBody();
  const vapiBodyLimit = limitBody(VAPI_MAX_BODY_BYTES);
  app.use("/api/*", (c, next) => (c.req.path === WEBHOOK_PATH ? vapiBodyLimit : defaultBodyLimit)(c, next));
  // ping answers before init: no configuration, no database, no I/O.
  app.get("/api/ping", (c) => c.body(null, 204));
  app.use("/api/*", init());
  app.use("/api/*", requireSameOrigin());
  // The sandbox page (sandbox mode only; a 404 everywhere else).
  app.route("/", sandboxPageRoutes);
  return app.route("/api", healthRoutes).route("/api", authRoutes).route("/api", meRoutes).route("/api", businessRoutes)
    .route("/api", agentsRoutes).route("/api", generateRoutes).route("/api", voicesRoutes).route("/api", phoneNumbersRoutes)
    .route("/api", billingRoutes).route("/api", creditRoutes).route("/api", webhookRoutes)
    .route("/api", callsRoutes).route("/api", googleRoutes).route("/api", appointmentsRoutes).route("/api", sandboxApiRoutes).route("/api", opsRoutes)
    .route("/api", membersRoutes)
    .route("/api", textsRoutes)
    .route("/api", tryRoutes)
    .route("/api", dataRightsRoutes)
    .route("/api", knowledgeRoutes);
}

export const app = createApp();
export type AppType = typeof app;
