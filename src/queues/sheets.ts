/**
 * The side-effects consumer's `sheets.append_call`: one row per finished call in the owner's
 * call log (services/google/sheets-log.ts). Redelivered or concurrent messages append once (the
 * call's sheet_logged_at, a claim in side_effects, and the call id looked up in the sheet);
 * Google's 429/5xx/timeouts retry with the queue's backoff and end in the dead-letter queue;
 * a 401/403 marks the connection needs_reconnect instead of retrying forever.
 */
import { and, eq, isNull } from "drizzle-orm";
import { calls } from "../db/schema";
import { GoogleApiError } from "../integrations/google/errors";
import { deadline, googleSettings } from "../integrations/google/oauth";
import { googleAccess, markNeedsReconnect } from "../services/google/connection";
import { GoogleNotConnectedError } from "../services/google/results";
import { appendCallRow, callRow, loadCallForLog } from "../services/google/sheets-log";
import { loadTemporal } from "../services/google/time";
import { claimSideEffect, completeSideEffect, releaseSideEffect } from "../side-effects/claims";
import type { SideEffectHandler, SideEffectHandlers } from "./consumer";

const SHEETS_TIMEOUT_MS = 20_000;

const appendCall: SideEffectHandler<"sheets.append_call"> = async (message, context) => {
  const { db, config, logger } = context;
  const deps = { db, config, logger, now: () => new Date() };
  const found = await loadCallForLog(deps, message.callId);
  if (!found) return logger.info("call log row for a deleted call; skipped", { callId: message.callId });
  if (found.call.sheetLoggedAt) return logger.info("call already in the call log; skipped", { callId: message.callId });
  if (found.sheetsLogging === false) return logger.info("the agent's call log is off; skipped", { callId: message.callId });
  if (!googleSettings(config)) return logger.warn("call log row not written: Google is not configured", { callId: message.callId });

  const key = `sheets:${message.callId}`;
  if ((await claimSideEffect(db, key, message.type)) === "done") return;
  let appended = false;
  try {
    const access = await googleAccess(deps, found.call.userId, deadline(SHEETS_TIMEOUT_MS));
    await loadTemporal(); // the row's date, in the owner's timezone (services/google/time.ts)
    await appendCallRow(deps, access.connection, access, callRow(found), found.call.id);
    appended = true;
    await db.update(calls).set({ sheetLoggedAt: new Date() }).where(and(eq(calls.id, found.call.id), isNull(calls.sheetLoggedAt)));
    await completeSideEffect(db, key, message.type);
    logger.info("call logged to the sheet", { callId: message.callId });
  } catch (error) {
    if (!appended) await releaseSideEffect(db, key).catch(() => undefined);
    if (error instanceof GoogleNotConnectedError) {
      // Nothing to retry until the owner reconnects; the dashboard asks them to.
      return logger.warn("call log row not written: Google is not connected", { callId: message.callId, state: error.state });
    }
    if (error instanceof GoogleApiError && error.kind === "unauthorized") {
      await markNeedsReconnect(deps, found.call.userId, `Sheets answered ${error.status}`);
      return;
    }
    throw error;
  }
};

export const sheetsHandlers = { "sheets.append_call": appendCall } satisfies SideEffectHandlers;
