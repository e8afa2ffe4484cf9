/** Calls: filter by agent, status and dates; newest first, a page at a time. */
import { useQuery } from "@tanstack/react-query";
import { createLazyRoute, Link, useNavigate, useSearch } from "@tanstack/react-router";
import { AgentOptions } from "../components/agent-options";
import { CallStatusBadge } from "../components/call-status";
import { Pager } from "../components/pager";
import { QueryState } from "../components/query-state";
import { Card, Field, focusRing, PageHeader, Select } from "../components/ui";
import { formatDateTime, formatDuration, formatPhone, plural, useTimezone } from "../lib/format";
import type { CallStatusFilter } from "../lib/queries";
import { agentsQuery, callsQuery } from "../lib/queries";

export const Route = createLazyRoute("/app/calls")({ component: Calls });

/** A date input's day, from local midnight, as the ISO instant the API filters on. */
function dayStart(day: string | undefined): string | undefined {
  return day ? new Date(`${day}T00:00:00`).toISOString() : undefined;
}
function dayEnd(day: string | undefined): string | undefined {
  return day ? new Date(new Date(`${day}T00:00:00`).getTime() + 86_400_000).toISOString() : undefined;
}

function Calls() {
  const search = useSearch({ from: "/app/calls" });
  const navigate = useNavigate();
  const timeZone = useTimezone();
  const agents = useQuery(agentsQuery);
  const calls = useQuery(
    callsQuery({ agentId: search.agentId, status: search.status as CallStatusFilter | undefined, from: dayStart(search.from), to: dayEnd(search.to), cursor: search.cursor }),
  );
  const filter = (patch: Partial<typeof search>) => navigate({ to: "/calls", search: { ...search, ...patch, cursor: undefined } });
  const agentName = (id: string | null) => agents.data?.agents.find((agent) => agent.id === id)?.name ?? "—";

  return (
    <>
      <PageHeader title="Calls" description="Every call your receptionists took." />
      <Card>
        <form className="mb-4 grid gap-3 sm:grid-cols-4" onSubmit={(event) => event.preventDefault()} aria-label="Filter calls">
          <Select label="Receptionist" value={search.agentId ?? ""} onChange={(event) => filter({ agentId: event.target.value || undefined })}>
            <option value="">All receptionists</option>
            <AgentOptions />
          </Select>
          <Select label="Status" value={search.status ?? ""} onChange={(event) => filter({ status: event.target.value || undefined })}>
            <option value="">Any status</option>
            <option value="in-progress">In progress</option>
            <option value="ended">Ended</option>
            <option value="refused">Refused (out of credit, paused)</option>
          </Select>
          <Field label="From" type="date" value={search.from ?? ""} onChange={(event) => filter({ from: event.target.value || undefined })} />
          <Field label="To" type="date" value={search.to ?? ""} onChange={(event) => filter({ to: event.target.value || undefined })} />
        </form>
        <QueryState query={calls} isEmpty={(data) => data.calls.length === 0} empty="No calls match. Calls appear here as soon as someone rings one of your numbers." loadingLabel="Loading calls…">
          {(data) => (
            <>
              <ul className="divide-y divide-slate-100">
                {data.calls.map((call) => (
                  <li key={call.id}>
                    <Link
                      to="/calls/$callId"
                      params={{ callId: call.id }}
                      className={`grid gap-1 py-3 hover:bg-slate-50 sm:grid-cols-[1fr_auto_auto] sm:items-center sm:gap-4 ${focusRing}`}
                    >
                      <span>
                        <span className="font-medium">{call.callerName ? `${call.callerName} · ` : ""}{call.customerNumber ? formatPhone(call.customerNumber) : "Unknown caller"}</span>
                        <span className="block text-sm text-slate-600">
                          {formatDateTime(call.startedAt ?? call.createdAt, timeZone)} · {agentName(call.agentId)}
                        </span>
                        {call.summary && <span className="mt-1 block line-clamp-1 text-sm text-slate-500">{call.summary}</span>}
                      </span>
                      <span className="text-sm text-slate-600 tabular-nums">
                        {formatDuration(call.durationSeconds)}
                        {call.creditsCharged ? ` · ${plural(call.creditsCharged, "credit")}` : ""}
                      </span>
                      <CallStatusBadge status={call.status} />
                    </Link>
                  </li>
                ))}
              </ul>
              <Pager
                cursor={search.cursor}
                nextCursor={data.nextCursor}
                onPage={(cursor) => navigate({ to: "/calls", search: { ...search, cursor } })}
                firstLabel="Newest"
                nextLabel="Older calls"
              />
            </>
          )}
        </QueryState>
      </Card>
    </>
  );
}
