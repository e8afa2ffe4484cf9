/**
 * One line in a route, after its change succeeded: the audit entry of who did what
 * (services/businesses/audit.ts), the actor being the signed-in person in the current business.
 * The change (often at a vendor too: Vapi, Stripe) is done by then, so an entry that cannot be
 * written is logged, not answered as a 500 that would make the dashboard try the change again.
 */
import type { Context } from "hono";
import type { HonoEnv } from "../hono-env";
import { describeError } from "../lib/logger";
import { type AuditAction, recordAudit } from "../services/businesses/audit";

export async function audit(c: Context<HonoEnv>, action: AuditAction, target: { type: string; id: string }, detail?: Record<string, unknown>) {
  try {
    await recordAudit(c.var.db, { businessId: c.var.businessId, userId: c.var.user.id, action, target, ...(detail ? { detail } : {}) });
  } catch (error) {
    c.var.logger.error("audit entry not written", { action, targetId: target.id, ...describeError(error) });
  }
}
