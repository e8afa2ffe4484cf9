/** `GET /api/health`'s probe: one real query, which must answer within five seconds. */
import { sql } from "drizzle-orm";
import { describeError } from "../lib/logger";
import { withTimeout } from "../lib/timeout";
import type { Services } from "./create-services";

const HEALTH_QUERY_TIMEOUT_MS = 5000;

/** True when the database answers; a failure is logged as a warning, not thrown. */
export async function databaseAnswers(deps: Pick<Services, "db" | "logger">): Promise<boolean> {
  try {
    await withTimeout(deps.db.execute(sql`select 1`), HEALTH_QUERY_TIMEOUT_MS);
    return true;
  } catch (error) {
    deps.logger.warn("health check failed", describeError(error));
    return false;
  }
}
