/**
 * The Hono context of a request: the bindings and the variables the middleware sets. The top of
 * the graph: only app.ts, middleware/ and routes/ import it (docs/decisions/1000).
 */
import type { Bindings } from "./bindings";
import type { Config } from "./config/env";
import type { Database } from "./db/client";
import type { Logger } from "./lib/logger";
import type { Services } from "./services/create-services";
import type { Session, User } from "./services/identity/sessions";

export interface Variables {
  requestId: string;
  /** Built once per request by the init middleware (createServices). */
  services: Services;
  config: Config;
  db: Database;
  logger: Logger;
  /** Set by requireUser(); read only behind it. */
  user: User;
  session: Session;
}

export interface HonoEnv {
  Bindings: Bindings;
  Variables: Variables;
}
