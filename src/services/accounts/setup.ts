/**
 * The setup checklist of `/api/me` (docs/architecture.md §12 wave 3 `setup`): what a new owner
 * still has to do before callers are answered, in the order onboarding does it. One statement
 * of `exists` probes, each on an index of the tenant's rows, so /api/me (read on every screen)
 * pays one round trip for it.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
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
    select exists (select 1 from agents where user_id = ${tenant}) as receptionist,
           exists (select 1 from google_connections where user_id = ${tenant} and status = 'ok') as google,
           (${hasPaid(tenant)} or exists (select 1 from users where id = ${tenant} and credit_balance > 0)) as credits,
           exists (select 1 from phone_numbers where user_id = ${tenant} and agent_id is not null) as number,
           exists (select 1 from calls where user_id = ${tenant} and status = 'ended') as test_call`);
  const probe = rows[0];
  return { steps: SETUP_STEPS.map((key) => ({ key, done: Boolean(probe?.[key]) })) };
}
