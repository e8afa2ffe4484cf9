/**
 * Once-only work on a webhook, over `webhook_events` (provider, event id): the first delivery
 * claims the row (`outcome = 'pending'`), records its outcome when done, or releases the claim
 * when it failed so a retry can act. A claim older than its TTL belongs to a worker that died
 * mid-way and is taken over. Claim times are the worker's clock (`now`), so a test can pass one.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";

export type Claim = { claimed: true } | { claimed: false; outcome: string | null };

export async function claimEvent(db: Database, provider: string, eventId: string, ttlSeconds: number, now = new Date()): Promise<Claim> {
  const at = now.toISOString();
  const result = await db.execute<{ claimed: boolean; outcome: string | null }>(sql`
    with attempt as (
      insert into webhook_events (provider, event_id, outcome, received_at) values (${provider}, ${eventId}, 'pending', ${at}::timestamptz)
      on conflict (provider, event_id) do update set received_at = excluded.received_at
        where webhook_events.outcome = 'pending' and webhook_events.received_at < ${at}::timestamptz - make_interval(secs => ${ttlSeconds})
      returning event_id
    )
    select exists (select 1 from attempt) as claimed,
           (select outcome from webhook_events where provider = ${provider} and event_id = ${eventId}) as outcome`);
  const row = result.rows[0];
  if (row?.claimed) return { claimed: true };
  // Under READ COMMITTED the subquery may not see a row inserted concurrently: null = still pending.
  return { claimed: false, outcome: row?.outcome && row.outcome !== "pending" ? row.outcome : null };
}

export async function completeEvent(db: Database, provider: string, eventId: string, outcome: string) {
  await db.execute(sql`update webhook_events set outcome = ${outcome} where provider = ${provider} and event_id = ${eventId}`);
}

export async function releaseEvent(db: Database, provider: string, eventId: string) {
  await db.execute(sql`delete from webhook_events where provider = ${provider} and event_id = ${eventId} and outcome = 'pending'`);
}
