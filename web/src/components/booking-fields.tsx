/**
 * Editors for an agent's booking catalogue (docs/architecture.md §6): services (length, price,
 * who offers them), staff (their Google calendar, their own hours or the business's) and
 * closures (a day or a range, with a reason the receptionist may say). Problems are keyed by the
 * API's paths ("booking.services.0.minutes"), so the server's messages land beside their input.
 */
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { Hours } from "../lib/agent-types";
import { ApiError } from "../lib/api";
import type { ClosureRow, ServiceRow, StaffRow } from "../lib/booking-form";
import { CATALOG_MAX, newItemId, otherProblems, SERVICE_MINUTES } from "../lib/booking-form";
import { calendarsQuery, meQuery } from "../lib/queries";
import { HoursEditor } from "./agent-fields";
import { Alert, Button, Field, focusRing, Select, Spinner } from "./ui";

type Problems = Record<string, string>;

function RowProblems({ problems, prefix, shown }: { problems: Problems; prefix: string; shown: readonly string[] }) {
  const others = otherProblems(problems, prefix, shown);
  if (!others.length) return null;
  return (
    <p className="text-sm text-red-700" role="alert">
      {others.join(" ")}
    </p>
  );
}

const rowClass = "rounded-md border border-slate-200 p-3";

export function ServicesEditor({ value, staff, onChange, problems }: { value: ServiceRow[]; staff: StaffRow[]; onChange: (services: ServiceRow[]) => void; problems: Problems }) {
  const set = (index: number, patch: Partial<ServiceRow>) => onChange(value.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-700">Services</legend>
      <p className="text-sm text-slate-600">What callers can book. The receptionist books each one for its own length and tells callers the price when you set one.</p>
      {value.length === 0 && <p className="text-sm text-slate-500">No services: every appointment is the length set below.</p>}
      {value.map((service, index) => {
        const at = `booking.services.${index}`;
        const label = service.name.trim() || `Service ${index + 1}`;
        return (
          <div key={service.id} className={rowClass} data-testid="service-row">
            <div className="grid gap-3 sm:grid-cols-[1fr_8rem_8rem]">
              <Field label={`Service ${index + 1} name`} value={service.name} maxLength={CATALOG_MAX.name} onChange={(e) => set(index, { name: e.target.value })} error={problems[`${at}.name`]} placeholder="Haircut" />
              <Field
                label={`${label}: minutes`}
                type="number"
                inputMode="numeric"
                min={SERVICE_MINUTES.min}
                max={SERVICE_MINUTES.max}
                value={service.minutes}
                onChange={(e) => set(index, { minutes: e.target.value })}
                error={problems[`${at}.minutes`]}
              />
              <Field label={`${label}: price ($)`} inputMode="decimal" value={service.price} onChange={(e) => set(index, { price: e.target.value })} error={problems[`${at}.priceCents`]} hint="Optional" />
            </div>
            {staff.length > 0 && (
              <fieldset className="mt-3">
                <legend className="text-sm text-slate-700">Offered by (none ticked: anyone)</legend>
                <div className="mt-1 flex flex-wrap gap-x-4 gap-y-1">
                  {staff.map((member) => (
                    <label key={member.id} className="flex items-center gap-2 text-sm">
                      <input
                        type="checkbox"
                        className="size-4 accent-indigo-600"
                        checked={service.staffIds.includes(member.id)}
                        onChange={(e) => set(index, { staffIds: e.target.checked ? [...service.staffIds, member.id] : service.staffIds.filter((id) => id !== member.id) })}
                      />
                      {member.name.trim() || "Unnamed staff member"}
                    </label>
                  ))}
                </div>
                {problems[`${at}.staffIds`] && <p className="mt-1 text-sm text-red-700" role="alert">{problems[`${at}.staffIds`]}</p>}
              </fieldset>
            )}
            <RowProblems problems={problems} prefix={at} shown={["name", "minutes", "priceCents", "staffIds"]} />
            <Button variant="ghost" className="mt-2" onClick={() => onChange(value.filter((_, i) => i !== index))} aria-label={`Remove ${label}`}>
              Remove
            </Button>
          </div>
        );
      })}
      {problems["booking.services"] && <p className="text-sm text-red-700" role="alert">{problems["booking.services"]}</p>}
      <Button variant="secondary" disabled={value.length >= CATALOG_MAX.services} onClick={() => onChange([...value, { id: newItemId("sv"), name: "", minutes: "30", price: "", staffIds: [] }])}>
        Add a service
      </Button>
    </fieldset>
  );
}

export function StaffEditor({ value, businessHours, onChange, problems }: { value: StaffRow[]; businessHours: Hours; onChange: (staff: StaffRow[]) => void; problems: Problems }) {
  const set = (index: number, patch: Partial<StaffRow>) => onChange(value.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  const calendars = useCalendars(value.length > 0);
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-700">Staff</legend>
      <p className="text-sm text-slate-600">
        Each person books into their own Google calendar, so two callers never get the same person at the same time. No staff: bookings go in the business's calendar.
      </p>
      {value.length > 0 && <CalendarsNotice state={calendars} />}
      {value.map((member, index) => {
        const at = `booking.staff.${index}`;
        const label = member.name.trim() || `Staff member ${index + 1}`;
        return (
          <div key={member.id} className={rowClass} data-testid="staff-row">
            <div className="grid gap-3 sm:grid-cols-2">
              <Field label={`Staff member ${index + 1} name`} value={member.name} maxLength={CATALOG_MAX.name} onChange={(e) => set(index, { name: e.target.value })} error={problems[`${at}.name`]} placeholder="Alex" />
              <CalendarPicker label={`${label}: Google calendar`} value={member.calendarId} state={calendars} onChange={(calendarId) => set(index, { calendarId })} error={problems[`${at}.calendarId`]} />
            </div>
            <label className="mt-3 flex items-center gap-2 text-sm">
              <input type="checkbox" className="size-4 accent-indigo-600" checked={member.hours !== null} onChange={(e) => set(index, { hours: e.target.checked ? businessHours : null })} />
              {label} has their own hours (otherwise the business's)
            </label>
            {member.hours && (
              <div className="mt-2 rounded-md bg-slate-50 p-3">
                <HoursEditor value={member.hours} onChange={(hours) => set(index, { hours })} problems={problems} path={`${at}.businessHours`} who={label} legend={`${label}'s hours`} />
              </div>
            )}
            <RowProblems problems={problems} prefix={at} shown={["name", "calendarId", "businessHours"]} />
            <Button variant="ghost" className="mt-2" onClick={() => onChange(value.filter((_, i) => i !== index))} aria-label={`Remove ${label}`}>
              Remove
            </Button>
          </div>
        );
      })}
      {problems["booking.staff"] && <p className="text-sm text-red-700" role="alert">{problems["booking.staff"]}</p>}
      <Button
        variant="secondary"
        disabled={value.length >= CATALOG_MAX.staff}
        onClick={() => onChange([...value, { id: newItemId("st"), name: "", calendarId: calendars.kind === "ready" ? (calendars.calendars.find((c) => c.primary)?.id ?? "") : "", hours: null }])}
      >
        Add a staff member
      </Button>
    </fieldset>
  );
}

type Calendar = { id: string; name: string; primary: boolean; bookable: boolean };
type CalendarsState = { kind: "loading" } | { kind: "not-connected"; message: string } | { kind: "failed"; message: string } | { kind: "ready"; calendars: Calendar[] };

/** The business's calendars, or why there are none: Google not connected (no request), loading, refused, empty. */
function useCalendars(wanted: boolean): CalendarsState {
  const me = useQuery(meQuery);
  const google = me.data?.user.google;
  const connected = Boolean(google?.connected && google.status !== "needs_reconnect");
  const calendars = useQuery(calendarsQuery(wanted && connected));
  if (me.isPending) return { kind: "loading" };
  if (!connected) return { kind: "not-connected", message: google?.connected ? "Google needs reconnecting before its calendars can be listed." : "Connect Google first: staff calendars are picked from your Google account." };
  if (calendars.isPending) return { kind: "loading" };
  if (calendars.isError) {
    const error = calendars.error;
    if (error instanceof ApiError && error.code === "google_not_connected") return { kind: "not-connected", message: error.message };
    return { kind: "failed", message: error.message };
  }
  return { kind: "ready", calendars: calendars.data.calendars };
}

function CalendarsNotice({ state }: { state: CalendarsState }) {
  if (state.kind === "loading")
    return (
      <p role="status" className="text-sm text-slate-600">
        <Spinner label="Loading your Google calendars…" />
      </p>
    );
  if (state.kind === "not-connected")
    return (
      <Alert tone="warning">
        {state.message}{" "}
        <Link to="/integrations" search={{ google: undefined, reason: undefined }} className={`font-medium underline ${focusRing}`}>
          Go to Integrations
        </Link>
        . Meanwhile you can type a calendar's id.
      </Alert>
    );
  if (state.kind === "failed") return <Alert tone="warning">Your calendars could not be listed ({state.message}). You can type a calendar's id meanwhile.</Alert>;
  if (!state.calendars.some((calendar) => calendar.bookable)) return <Alert tone="warning">Your Google account shows no calendar Agentline may add events to. Share a calendar with it (with "Make changes to events"), then reload.</Alert>;
  return null;
}

function CalendarPicker({ label, value, state, onChange, error }: { label: string; value: string; state: CalendarsState; onChange: (id: string) => void; error?: string | undefined }) {
  if (state.kind === "loading") return <Select label={label} value="" disabled onChange={() => undefined}><option value="">Loading calendars…</option></Select>;
  if (state.kind !== "ready" || !state.calendars.some((calendar) => calendar.bookable)) {
    return <Field label={label} value={value} maxLength={255} onChange={(e) => onChange(e.target.value)} error={error} placeholder="name@example.com" hint="The calendar's id, from its settings in Google Calendar." />;
  }
  const known = state.calendars.some((calendar) => calendar.id === value);
  return (
    <Select label={label} value={value} onChange={(e) => onChange(e.target.value)} error={error}>
      <option value="">Pick a calendar…</option>
      {!known && value && <option value={value}>{value} (not in your Google account's list)</option>}
      {state.calendars.map((calendar) => (
        <option key={calendar.id} value={calendar.id} disabled={!calendar.bookable}>
          {calendar.name}
          {calendar.primary ? " (your main calendar)" : ""}
          {calendar.bookable ? "" : " (read only)"}
        </option>
      ))}
    </Select>
  );
}

export function ClosuresEditor({ value, onChange, problems }: { value: ClosureRow[]; onChange: (closures: ClosureRow[]) => void; problems: Problems }) {
  const set = (index: number, patch: Partial<ClosureRow>) => onChange(value.map((row, i) => (i === index ? { ...row, ...patch } : row)));
  return (
    <fieldset className="space-y-3">
      <legend className="text-sm font-medium text-slate-700">Closures</legend>
      <p className="text-sm text-slate-600">Holidays and vacations: no bookings on these days. The receptionist may tell callers the reason.</p>
      {value.length === 0 && <p className="text-sm text-slate-500">No closures.</p>}
      {value.map((closure, index) => {
        const at = `booking.closures.${index}`;
        const label = `Closure ${index + 1}`;
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: closures have no id; they are edited by position
          <div key={index} className={rowClass} data-testid="closure-row">
            <div className="grid gap-3 sm:grid-cols-[10rem_10rem_1fr]">
              <Field label={`${label}: first day`} type="date" value={closure.from} onChange={(e) => set(index, { from: e.target.value, to: closure.to && closure.to >= e.target.value ? closure.to : e.target.value })} error={problems[`${at}.from`]} />
              <Field label={`${label}: last day`} type="date" value={closure.to} min={closure.from || undefined} onChange={(e) => set(index, { to: e.target.value })} error={problems[`${at}.to`]} />
              <Field label={`${label}: reason`} value={closure.reason} maxLength={CATALOG_MAX.reason} onChange={(e) => set(index, { reason: e.target.value })} error={problems[`${at}.reason`]} placeholder="the holiday" hint="Optional" />
            </div>
            <RowProblems problems={problems} prefix={at} shown={["from", "to", "reason"]} />
            <Button variant="ghost" className="mt-2" onClick={() => onChange(value.filter((_, i) => i !== index))} aria-label={`Remove ${label.toLowerCase()}`}>
              Remove
            </Button>
          </div>
        );
      })}
      {problems["booking.closures"] && <p className="text-sm text-red-700" role="alert">{problems["booking.closures"]}</p>}
      <Button variant="secondary" disabled={value.length >= CATALOG_MAX.closures} onClick={() => onChange([...value, { from: "", to: "", reason: "" }])}>
        Add a closure
      </Button>
    </fieldset>
  );
}
