/**
 * The setup checklist of `/api/me` (docs/architecture.md §12 wave 3 `setup`): what a new owner
 * still has to do before callers are answered, in the order onboarding does it. One statement
 * of `exists` probes, each on an index of the tenant's rows, so /api/me (read on every screen)
 * pays one round trip for it.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { agents, businesses, calls, googleConnections, phoneNumbers } from "../../db/schema";
import { hasPaid } from "../billing/paid";

export const SETUP_STEPS = ["receptionist", "google", "credits", "number", "test_call"] as const;
export type SetupStepKey = (typeof SETUP_STEPS)[number];

interface Probe extends Record<string, unknown> {
  receptionist: boolean;
  google: boolean;
  credits: boolean;
  number: boolean;
  test_call: boolean;
}

export async function setupSteps(db: Database, tenantId: string): Promise<{ steps: { key: SetupStepKey; done: boolean }[] }> {
  const tenant = sql`${tenantId}::uuid`;
  const { rows } = await db.execute<Probe>(sql`
    select exists (select 1 from ${agents} where ${agents.businessId} = ${tenant}) as receptionist,
           exists (select 1 from ${googleConnections} where ${googleConnections.businessId} = ${tenant} and ${googleConnections.status} = 'ok') as google,
           (${hasPaid(tenant)} or exists (select 1 from ${businesses} where ${businesses.id} = ${tenant} and ${businesses.creditBalance} > 0)) as credits,
           exists (select 1 from ${phoneNumbers} where ${phoneNumbers.businessId} = ${tenant} and ${phoneNumbers.agentId} is not null) as number,
           exists (select 1 from ${calls} where ${calls.businessId} = ${tenant} and ${calls.status} = 'ended') as test_call`);
  const probe = rows[0];
  return { steps: SETUP_STEPS.map((key) => ({ key, done: Boolean(probe?.[key]) })) };
}
