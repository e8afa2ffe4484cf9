/**
 * One row per finished call in the owner's call log (sheets-log.ts), as the side-effects queue's
 * `sheets.append_call` asks. Redelivered or concurrent messages append once (the call's
 * sheet_logged_at, a claim in side_effects, and the call id looked up in the sheet); Google's
 * 429/5xx/timeouts throw, so the queue retries with backoff and ends in the dead-letter queue;
 * a 401/403 marks the connection needs_reconnect instead of retrying forever.
 */
import { and, eq, isNull } from "drizzle-orm";
import { calls } from "../../db/schema";
import { GoogleApiError } from "../../integrations/google/errors";
import { deadline, googleSettings } from "../../integrations/google/oauth";
import { claimSideEffect, completeSideEffect, releaseSideEffect } from "../../side-effects/claims";
import { googleAccess, markNeedsReconnect } from "./connection";
import { type GoogleDeps, GoogleNotConnectedError } from "./results";
import { appendCallRow, callRow, loadCallForLog } from "./sheets-log";
import { loadTemporal } from "./time";

const SHEETS_TIMEOUT_MS = 20_000;

/** Appends the call's row once; `kind` is the side effect's name in side_effects. */
export async function logCallToSheet(deps: GoogleDeps, callId: string, kind: string): Promise<void> {
  const { db, config, logger } = deps;
  const found = await loadCallForLog(deps, callId);
  if (!found) return logger.info("call log row for a deleted call; skipped", { callId });
  if (found.call.sheetLoggedAt) return logger.info("call already in the call log; skipped", { callId });
  if (found.sheetsLogging === false) return logger.info("the agent's call log is off; skipped", { callId });
  if (!googleSettings(config)) return logger.warn("call log row not written: Google is not configured", { callId });

  const key = `sheets:${callId}`;
  if ((await claimSideEffect(db, key, kind)) === "done") return;
  let appended = false;
  try {
    const access = await googleAccess(deps, found.call.businessId, deadline(SHEETS_TIMEOUT_MS));
    await loadTemporal(); // the row's date, in the owner's timezone (time.ts)
    await appendCallRow(deps, access.connection, access, callRow(found), found.call.id);
    appended = true;
    await db.update(calls).set({ sheetLoggedAt: new Date() }).where(and(eq(calls.id, found.call.id), isNull(calls.sheetLoggedAt)));
    await completeSideEffect(db, key, kind);
    logger.info("call logged to the sheet", { callId });
  } catch (error) {
    if (!appended) await releaseSideEffect(db, key).catch(() => undefined);
    if (error instanceof GoogleNotConnectedError) {
      // Nothing to retry until the owner reconnects; the dashboard asks them to.
      return logger.warn("call log row not written: Google is not connected", { callId, state: error.state });
    }
    if (error instanceof GoogleApiError && error.kind === "unauthorized") {
      await markNeedsReconnect(deps, found.call.businessId, `Sheets answered ${error.status}`);
      return;
    }
    throw error;
  }
}
