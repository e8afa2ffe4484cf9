/**
 * Appointments (issue 20): what the receptionists booked, upcoming or past, or one day or week at
 * a time, in the business's timezone; filtered by receptionist, staff member and status; each
 * linked to its call, with its texts, and cancelled or moved from here. Every role sees it.
 */
import { useQuery } from "@tanstack/react-query";
import { createLazyRoute, useNavigate, useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { type Appointment, AppointmentItem } from "../components/appointment-item";
import { Pager } from "../components/pager";
import { QueryState } from "../components/query-state";
import { Button, Card, Field, PageHeader, Select } from "../components/ui";
import { useTimezone } from "../lib/format";
import { type AppointmentFilters, agentsQuery, appointmentsQuery } from "../lib/queries";
import { addDays, weekStart, zonedInstant, zonedParts } from "../lib/zoned-time";

export const Route = createLazyRoute("/app/appointments")({ component: Appointments });

const VIEWS = [
  { key: "upcoming", label: "Upcoming" },
  { key: "past", label: "Past" },
  { key: "day", label: "Day" },
  { key: "week", label: "Week" },
] as const;
type View = (typeof VIEWS)[number]["key"];
const STATUSES = ["booked", "moved", "completed", "cancelled"] as const;

/** "Tuesday, December 8, 2026" for a calendar date (already the business's day; no zone to apply). */
const dayHeading = (date: string) => new Intl.DateTimeFormat(undefined, { weekday: "long", month: "long", day: "numeric", year: "numeric", timeZone: "UTC" }).format(new Date(`${date}T12:00:00Z`));

function Appointments() {
  const search = useSearch({ from: "/app/appointments" });
  const navigate = useNavigate();
  const agents = useQuery(agentsQuery);
  const fallbackZone = useTimezone();
  // "Now" is fixed while the page is open, so the list's query stays one query.
  const [now] = useState(() => new Date());
  const list = agents.data?.agents ?? [];
  const chosen = list.find((agent) => agent.id === search.agentId);
  const timeZone = (chosen ?? list[0])?.booking.timezone ?? fallbackZone;
  const view: View = VIEWS.find((each) => each.key === search.view)?.key ?? "upcoming";
  const today = zonedParts(now, timeZone).date;
  const anchor = search.date && /^\d{4}-\d{2}-\d{2}$/.test(search.date) ? search.date : today;
  const first = view === "week" ? weekStart(anchor) : anchor;
  const days = view === "week" ? 7 : 1;
  const range: Pick<AppointmentFilters, "from" | "to" | "order"> =
    view === "upcoming"
      ? { from: now.toISOString() }
      : view === "past"
        ? { to: now.toISOString(), order: "desc" }
        : { from: zonedInstant(first, "00:00", timeZone).toISOString(), to: zonedInstant(addDays(first, days), "00:00", timeZone).toISOString() };
  const status = STATUSES.find((each) => each === search.status);
  const appointments = useQuery({
    ...appointmentsQuery({ ...range, agentId: search.agentId, staffId: search.staffId, status, cursor: search.cursor }),
    // The timezone comes from the agents: wait for them (a failure falls back to the owner's zone).
    enabled: !agents.isPending,
  });
  const filter = (patch: Partial<typeof search>) => navigate({ to: "/appointments", search: { ...search, ...patch, cursor: undefined } });
  const staff = (chosen ? [chosen] : list).flatMap((agent) => agent.booking.staff.map((member) => ({ ...member, agent: agent.name })));
  const agentName = (id: string) => (list.length > 1 ? list.find((agent) => agent.id === id)?.name : undefined);
  const filtered = Boolean(search.staffId || search.status || search.agentId);
  const periodLabel =
    view === "week"
      ? `Week of ${dayHeading(first)}`
      : view === "day"
        ? dayHeading(first)
        : view === "past"
          ? "Past appointments, most recent first"
          : "Upcoming appointments";

  return (
    <>
      <PageHeader title="Appointments" description={`What your receptionists booked. Times are in ${timeZone}.`} />
      <Card>
        <fieldset className="mb-4 flex flex-wrap gap-1">
          <legend className="sr-only">Show</legend>
          {VIEWS.map((each) => (
            <Button key={each.key} variant={each.key === view ? "primary" : "secondary"} aria-pressed={each.key === view} onClick={() => filter({ view: each.key === "upcoming" ? undefined : each.key })}>
              {each.label}
            </Button>
          ))}
        </fieldset>
        <form className="mb-4 grid gap-3 sm:grid-cols-3" onSubmit={(event) => event.preventDefault()} aria-label="Filter appointments">
          {list.length > 1 && (
            <Select label="Receptionist" value={search.agentId ?? ""} onChange={(event) => filter({ agentId: event.target.value || undefined, staffId: undefined })}>
              <option value="">All receptionists</option>
              {list.map((agent) => (
                <option key={agent.id} value={agent.id}>
                  {agent.name}
                </option>
              ))}
            </Select>
          )}
          <Select label="Staff member" value={search.staffId ?? ""} onChange={(event) => filter({ staffId: event.target.value || undefined })}>
            <option value="">Everyone</option>
            {staff.map((member) => (
              <option key={`${member.agent}/${member.id}`} value={member.id}>
                {member.name}
                {list.length > 1 && !chosen ? ` (${member.agent})` : ""}
              </option>
            ))}
          </Select>
          <Select label="Status" value={status ?? ""} onChange={(event) => filter({ status: event.target.value || undefined })}>
            <option value="">Any status</option>
            <option value="booked">Booked</option>
            <option value="moved">Moved</option>
            <option value="completed">Completed</option>
            <option value="cancelled">Cancelled</option>
          </Select>
        </form>
        {(view === "day" || view === "week") && (
          <div className="mb-4 flex flex-wrap items-end gap-2">
            <Button variant="secondary" onClick={() => filter({ date: addDays(first, -days) })}>
              {view === "week" ? "Previous week" : "Previous day"}
            </Button>
            <Field label={view === "week" ? "Week of" : "Day"} type="date" value={first} onChange={(event) => event.target.value && filter({ date: event.target.value })} className="w-44" />
            <Button variant="secondary" onClick={() => filter({ date: addDays(first, days) })}>
              {view === "week" ? "Next week" : "Next day"}
            </Button>
            {anchor !== today && (
              <Button variant="ghost" onClick={() => filter({ date: undefined })}>
                Today
              </Button>
            )}
          </div>
        )}
        <h2 className="mb-2 text-sm font-semibold text-slate-700">{periodLabel}</h2>
        <QueryState
          query={appointments}
          loadingLabel="Loading appointments…"
          isEmpty={(data) => data.appointments.length === 0}
          empty={
            filtered
              ? "No appointments match these filters."
              : view === "upcoming"
                ? "No upcoming appointments. When a caller books, it appears here."
                : view === "past"
                  ? "No past appointments yet."
                  : `No appointments ${view === "week" ? "this week" : "on this day"}.`
          }
        >
          {(data) => (
            <>
              {byDay(data.appointments, timeZone).map(([date, items]) => (
                <section key={date} aria-label={dayHeading(date)} className="mb-4">
                  <h3 className="border-b border-slate-200 pb-1 text-sm font-semibold text-slate-900">{dayHeading(date)}</h3>
                  <ul className="divide-y divide-slate-100">
                    {items.map((appointment) => (
                      <AppointmentItem key={appointment.id} appointment={appointment} timeZone={timeZone} agentName={agentName(appointment.agentId)} />
                    ))}
                  </ul>
                </section>
              ))}
              <Pager
                cursor={search.cursor}
                nextCursor={data.nextCursor}
                onPage={(cursor) => navigate({ to: "/appointments", search: { ...search, cursor } })}
                firstLabel={view === "past" ? "Most recent" : "First page"}
                nextLabel={view === "past" ? "Earlier appointments" : "Later appointments"}
              />
            </>
          )}
        </QueryState>
      </Card>
    </>
  );
}

/** The page's appointments grouped by their day in the business's timezone, in the list's order. */
function byDay(appointments: Appointment[], timeZone: string): [string, Appointment[]][] {
  const groups = new Map<string, Appointment[]>();
  for (const appointment of appointments) {
    const date = zonedParts(appointment.start, timeZone).date;
    groups.set(date, [...(groups.get(date) ?? []), appointment]);
  }
  return [...groups];
}
