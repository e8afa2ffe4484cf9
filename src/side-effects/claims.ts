/**
 * Once-only side effects: a consumer claims an idempotency key in `side_effects` before it acts
 * and marks it done after, so a redelivered or concurrent message does its effect once. A failed
 * attempt releases the claim and the queue retries the message with backoff; a claim whose
 * consumer died mid-way is taken over after CLAIM_TTL_SECONDS.
 */
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";

/** A claim older than this is taken to belong to a consumer that died mid-send. */
const CLAIM_TTL_SECONDS = 10 * 60;

export class SideEffectBusy extends Error {
  override name = "SideEffectBusy";
}

type Claim = "claimed" | "done";

/**
 * Claims `key` for this consumer. A row whose kind starts with `pending:` is a claim (its
 * completed_at is when it was claimed); any other kind means the effect is done.
 */
export async function claimSideEffect(db: Database, key: string, kind: string): Promise<Claim> {
  const claimed = await db.execute<{ key: string }>(sql`
    insert into side_effects (key, kind, completed_at) values (${key}, ${`pending:${kind}`}, now())
    on conflict (key) do update set completed_at = now()
      where side_effects.kind like 'pending:%' and side_effects.completed_at < now() - make_interval(secs => ${CLAIM_TTL_SECONDS})
    returning key`);
  if (claimed.rows.length) return "claimed";
  const existing = await db.execute<{ kind: string }>(sql`select kind from side_effects where key = ${key}`);
  const row = existing.rows[0];
  if (!row) return claimSideEffect(db, key, kind);
  if (row.kind.startsWith("pending:")) throw new SideEffectBusy(`${key} is being handled by another consumer`);
  return "done";
}

export async function completeSideEffect(db: Database, key: string, kind: string) {
  await db.execute(sql`update side_effects set kind = ${kind}, completed_at = now() where key = ${key}`);
}

export async function releaseSideEffect(db: Database, key: string) {
  await db.execute(sql`delete from side_effects where key = ${key} and kind like 'pending:%'`);
}
