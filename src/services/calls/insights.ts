/**
 * `GET /api/insights/unanswered`: the questions callers asked that the agent could not answer
 * (`unansweredQuestions` of the structured data, integrations/vapi/structured-data.ts), grouped by their normalised text (case, spacing and
 * punctuation ignored), most asked first, so the owner can add them to the FAQ; the ones the owner
 * dismissed (`dismissed_questions`, migration 0016) are left out.
 */
import { type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { STRUCTURED_DATA_KEYS } from "../../integrations/vapi/structured-data";

const MAX_GROUPS = 100;
/** The key, from the one definition (ADR 0411), as a bound text parameter. */
const UNANSWERED = STRUCTURED_DATA_KEYS.unansweredQuestions;
const MAX_CALL_IDS = 20;

export async function unansweredQuestions(db: Database, businessId: string, filters: { agentId?: string; from?: Date; to?: Date }) {
  const result = await db.execute<{ text: string; count: number; last_asked_at: string; call_ids: string[] }>(sql`
    with asked as (
      select c.id as call_id, coalesce(c.started_at, c.created_at) as asked_at, trim(q.value) as text,
             ${normalized(sql`q.value`)} as norm
      from calls c
      -- Only the list's strings, as readCallStructuredData reads it: the model's objects or numbers are not questions.
      cross join lateral (
        select e #>> '{}' as value
        from jsonb_array_elements(
          case when jsonb_typeof(c.structured_data->${UNANSWERED}) = 'array' then c.structured_data->${UNANSWERED} else '[]'::jsonb end
        ) as e
        where jsonb_typeof(e) = 'string'
      ) as q
      where c.business_id = ${businessId}::uuid
        ${filters.agentId ? sql`and c.agent_id = ${filters.agentId}::uuid` : sql``}
        ${filters.from ? sql`and coalesce(c.started_at, c.created_at) >= ${filters.from.toISOString()}::timestamptz` : sql``}
        ${filters.to ? sql`and coalesce(c.started_at, c.created_at) < ${filters.to.toISOString()}::timestamptz` : sql``}
    )
    select (array_agg(text order by asked_at desc))[1] as text, count(distinct call_id)::int as count,
           to_char(max(asked_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_asked_at,
           (array_agg(distinct call_id::text))[1:${MAX_CALL_IDS}] as call_ids
    from asked where norm <> ''
      and not exists (select 1 from dismissed_questions d where d.business_id = ${businessId}::uuid and d.question = asked.norm)
    group by norm
    order by count(distinct call_id) desc, max(asked_at) desc
    limit ${MAX_GROUPS}`);
  return result.rows.map((row) => ({ text: row.text, count: Number(row.count), lastAskedAt: row.last_asked_at, callIds: parseArray(row.call_ids) }));
}

/** A question's text as insights group it: case, punctuation and runs of spaces ignored. */
function normalized(text: SQL): SQL {
  return sql`trim(regexp_replace(regexp_replace(lower(${text}), '[^[:alnum:][:space:]]+', '', 'g'), '[[:space:]]+', ' ', 'g'))`;
}

/** Hides a question (and every way of writing it) from the list; dismissing twice is the same as once. */
export async function dismissQuestion(db: Database, businessId: string, userId: string, text: string): Promise<void> {
  await db.execute(sql`
    insert into dismissed_questions (business_id, question, dismissed_by)
    select ${businessId}::uuid, left(norm, 500), ${userId}::uuid from (select ${normalized(sql`${text}::text`)} as norm) n where norm <> ''
    on conflict (business_id, question) do nothing`);
}

/** text[] may arrive parsed or as Postgres's array literal, depending on the driver's type parsing. */
function parseArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  if (typeof value === "string") return value.replace(/^\{|\}$/g, "").split(",").filter(Boolean).map((s) => s.replace(/^"|"$/g, ""));
  return [];
}
