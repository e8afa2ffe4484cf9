/**
 * The Hono context of a request: the bindings and the variables the middleware sets. The top of
 * the graph: only app.ts, middleware/ and routes/ import it (docs/decisions/1000).
 */
import type { Bindings } from "./bindings";
import type { Config } from "./config/env";
import type { Database } from "./db/client";
import type { Logger } from "./lib/logger";
import type { Business } from "./services/businesses/business";
import type { Services } from "./services/create-services";
import type { Membership, Session, User } from "./services/identity/sessions";

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
  /** Set by requireUser(): the current business and the role there; null for a person in none. */
  membership: Membership | null;
  /** Set by requireRole(): the tenant every read and write of the request is scoped to. */
  businessId: string;
  /** Set by requireRole(): the current business's row as the request began. */
  business: Business;
}

export interface HonoEnv {
  Bindings: Bindings;
  Variables: Variables;
}
