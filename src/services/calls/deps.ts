/** What the call services need: the bindings (CreditAccount, queue), the database, config and a logger. */

import type { Bindings } from "../../bindings";
import type { Config } from "../../config/env";
import type { Database } from "../../db/client";
import type { Logger } from "../../lib/logger";

export interface CallDeps {
  env: Bindings;
  db: Database;
  config: Config;
  logger: Logger;
}

/** The call cap of every assistant (ADR 0101) and how long a hold outlives it waiting for the report. */
export const CALL_CAP_SECONDS = 600;
export const HOLD_GRACE_SECONDS = 15 * 60;

/** The most credits one call may hold or be charged: the call cap's price. */
export const callCapCredits = (creditsPerMinute: number) => Math.ceil((CALL_CAP_SECONDS * creditsPerMinute) / 60);

/** Statuses in the order a call moves through them; a call never moves back (docs/architecture.md §13: any order). */
export const STATUS_ORDER = ["scheduled", "queued", "ringing", "in-progress", "forwarding", "ended", "refused"] as const;
