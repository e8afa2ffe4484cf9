/** Calls: search (name, number, summary), filter by receptionist, status, dates, follow-up and bookings; newest first, a page at a time. */
import { useQuery } from "@tanstack/react-query";
import { createLazyRoute, Link, useNavigate, useSearch } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { AgentOptions } from "../components/agent-options";
import { CallStatusBadge } from "../components/call-status";
import { Pager } from "../components/pager";
import { QueryState } from "../components/query-state";
import { Alert, Badge, Button, Card, Field, focusRing, PageHeader, Select } from "../components/ui";
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
  // From after To can match nothing: say so rather than ask (and show "no calls yet").
  const impossible = Boolean(search.from && search.to && search.from > search.to);
  const calls = useQuery(
    callsQuery(
      {
        agentId: search.agentId,
        status: search.status as CallStatusFilter | undefined,
        from: dayStart(search.from),
        to: dayEnd(search.to),
        followUp: search.followUp === "open" || search.followUp === "done" ? search.followUp : undefined,
        booked: search.booked === "true" ? "true" : undefined,
        q: search.q,
        cursor: search.cursor,
      },
      undefined,
      !impossible,
    ),
  );
  const filter = (patch: Partial<typeof search>) => navigate({ to: "/calls", search: { ...search, ...patch, cursor: undefined } });
  const [text, setText] = useState(search.q ?? "");
  const [textProblem, setTextProblem] = useState<string | undefined>();
  const searchFor = (event: FormEvent) => {
    event.preventDefault();
    const q = text.trim();
    if (q.length === 1) return setTextProblem("Type at least 2 characters.");
    setTextProblem(undefined);
    void filter({ q: q || undefined });
  };
  const filtered = Boolean(search.agentId || search.status || search.from || search.to || search.followUp || search.booked || search.q);
  const agentName = (id: string | null) => agents.data?.agents.find((agent) => agent.id === id)?.name ?? "—";

  return (
    <>
      <PageHeader title="Calls" description="Every call your receptionists took." />
      <Card>
        <form className="mb-3 flex flex-wrap items-start gap-2" onSubmit={searchFor} aria-label="Search calls">
          <Field
            label="Search"
            type="search"
            value={text}
            onChange={(event) => setText(event.target.value)}
            error={textProblem}
            hint="A caller's name, part of their number, or words of the summary."
            className="min-w-0 flex-1"
            maxLength={100}
          />
          <Button type="submit" variant="secondary" className="sm:mt-6">
            Search
          </Button>
        </form>
        <form className="mb-4 grid gap-3 sm:grid-cols-3 lg:grid-cols-6" onSubmit={(event) => event.preventDefault()} aria-label="Filter calls">
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
          <Select label="Follow-up" value={search.followUp ?? ""} onChange={(event) => filter({ followUp: event.target.value || undefined })}>
            <option value="">Any</option>
            <option value="open">To call back</option>
            <option value="done">Handled</option>
          </Select>
          <label className="flex items-center gap-2 text-sm font-medium text-slate-700 sm:mt-7">
            <input type="checkbox" checked={search.booked === "true"} onChange={(event) => filter({ booked: event.target.checked ? "true" : undefined })} className="size-4" />
            Booked only
          </label>
        </form>
        {impossible ? (
          <Alert tone="warning">The From date is after the To date, so no call can match. Change one of them.</Alert>
        ) : (
        <QueryState
          query={calls}
          isEmpty={(data) => data.calls.length === 0}
          empty={filtered ? "No calls match these filters." : "No calls yet. Calls appear here as soon as someone rings one of your numbers."}
          loadingLabel="Loading calls…"
        >
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
                        <span className="ml-2 inline-flex gap-1 align-middle">
                          {call.booked && <Badge tone="green">Booked</Badge>}
                          {call.followUp === "open" && <Badge tone="red">Call back</Badge>}
                          {call.followUp === "done" && <Badge tone="slate">Handled</Badge>}
                        </span>
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
        )}
      </Card>
    </>
  );
}
