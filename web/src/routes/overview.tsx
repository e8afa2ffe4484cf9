/**
 * The overview: calls and minutes per day (chart, loaded lazily), credits left, calls in
 * progress (polled), and the questions callers asked that the receptionist could not answer.
 */
import { useQuery } from "@tanstack/react-query";
import { createLazyRoute, Link } from "@tanstack/react-router";
import { lazy, Suspense } from "react";
import { AgentStateBadge, AgentStateHelp } from "../components/agent-state";
import { CallStatusBadge } from "../components/call-status";
import { QueryState } from "../components/query-state";
import { SetupChecklist } from "../components/setup-checklist";
import { buttonClass, Card, focusRing, PageHeader, Spinner } from "../components/ui";
import { UnansweredPanel } from "../components/unanswered-panel";
import { formatDateTime, formatDuration, formatPhone, plural, useTimezone } from "../lib/format";
import { clearDraft } from "../lib/onboarding-state";
import { agentsQuery, callsQuery, meQuery, statsQuery } from "../lib/queries";
import { allowed, useRole } from "../lib/role";

export const Route = createLazyRoute("/app/")({ component: Overview });

const CallsChart = lazy(() => import("../components/calls-chart"));

const DAYS = 30;

function Overview() {
  const agents = useQuery(agentsQuery);
  const me = useQuery(meQuery);
  const timeZone = useTimezone();
  const role = useRole();
  if (agents.data && agents.data.agents.length === 0 && !allowed(role, "edit")) {
    return (
      <div className="mx-auto max-w-xl rounded-lg border border-slate-200 bg-white p-8 text-center shadow-sm">
        <h1 className="text-2xl font-bold">Welcome{me.data?.user.name ? `, ${me.data.user.name}` : ""}</h1>
        <p className="mt-2 text-slate-600">This business has no receptionist yet. Its owner or an admin sets one up; its calls will show here.</p>
      </div>
    );
  }
  if (agents.data && agents.data.agents.length === 0) {
    return (
      <div className="mx-auto max-w-xl rounded-lg border border-slate-200 bg-white p-8 text-center shadow-sm">
        <h1 className="text-2xl font-bold">Welcome{me.data?.user.name ? `, ${me.data.user.name}` : ""}</h1>
        <p className="mt-2 text-slate-600">Set up your AI receptionist: describe your business, pick a voice, get a number. It takes a few minutes.</p>
        <Link to="/onboarding" search={{ step: "business" }} className={buttonClass("primary", "mt-6")} onClick={clearDraft}>
          Set up my receptionist
        </Link>
      </div>
    );
  }
  return (
    <>
      <PageHeader title="Overview" />
      <div className="space-y-6">
        <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
          <Stats />
          <Card title="Credits left">
            <p className="text-4xl font-bold tabular-nums" data-testid="overview-credits">
              {me.data?.user.credits.toLocaleString() ?? "—"}
            </p>
            <p className="mt-1 text-sm text-slate-600">about {plural(me.data?.user.credits ?? 0, "minute")} of calls</p>
            {me.data && me.data.user.credits <= 0 ? (
              <p className="mt-2 text-sm font-medium text-red-800" data-testid="overview-out-of-credit">
                You're out of credits: your receptionists aren't answering calls. Buy credits and they answer again at once.
              </p>
            ) : (
              me.data &&
              me.data.user.credits < me.data.user.lowCreditThreshold && (
                <p className="mt-2 text-sm font-medium text-amber-800">Running low: buy credits before your receptionists stop answering.</p>
              )
            )}
            {allowed(role, "billing") && (
              <Link to="/billing" search={{ checkout: undefined, cursor: undefined, buy: undefined }} className={buttonClass("secondary", "mt-4")}>
                Buy credits
              </Link>
            )}
          </Card>
        </div>
        <SetupChecklist />
        <Receptionists />
        <LiveCalls timeZone={timeZone} />
        <UnansweredPanel />
      </div>
    </>
  );
}

/** Each receptionist's real state, and what to do about it when callers are not being answered. */
function Receptionists() {
  const agents = useQuery(agentsQuery);
  return (
    <Card title="Your receptionists">
      <QueryState query={agents} loadingLabel="Loading receptionists…">
        {(data) => (
          <ul className="divide-y divide-slate-100">
            {data.agents.map((agent) => (
              <li key={agent.id} className="py-2">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <Link to="/agents/$agentId" params={{ agentId: agent.id }} className={`font-medium text-indigo-700 underline ${focusRing}`}>
                    {agent.name}
                  </Link>
                  <AgentStateBadge state={agent.state} />
                </div>
                {agent.state !== "answering" && (
                  <p className="mt-1 text-sm text-slate-600">
                    <AgentStateHelp state={agent.state} />
                  </p>
                )}
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}

function Stats() {
  const stats = useQuery(statsQuery);
  return (
    <Card title={`Last ${DAYS} days`}>
      <QueryState query={stats} loadingLabel="Loading statistics…">
        {(data) => (
          <>
            <dl className="mb-4 flex flex-wrap gap-6 text-sm">
              <div>
                <dt className="text-slate-500">Calls</dt>
                <dd className="text-2xl font-bold tabular-nums">{data.totals.calls.toLocaleString()}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Minutes</dt>
                <dd className="text-2xl font-bold tabular-nums">{data.totals.minutes.toLocaleString()}</dd>
              </div>
              <div>
                <dt className="text-slate-500">Credits used</dt>
                <dd className="text-2xl font-bold tabular-nums">{data.totals.credits.toLocaleString()}</dd>
              </div>
            </dl>
            {data.totals.calls > 0 ? (
              <Suspense fallback={<Spinner label="Drawing the chart…" />}>
                <CallsChart days={data.days} />
              </Suspense>
            ) : (
              <p className="text-sm text-slate-500">No calls in this period yet.</p>
            )}
          </>
        )}
      </QueryState>
    </Card>
  );
}

function LiveCalls({ timeZone }: { timeZone: string }) {
  const live = useQuery(callsQuery({ status: "in-progress" }, 5000));
  return (
    <Card title="Calls in progress" actions={<span className="text-xs text-slate-500">updates every 5 seconds</span>}>
      <div aria-live="polite">
        <QueryState query={live} isEmpty={(data) => data.calls.length === 0} empty="No one is on the phone right now.">
          {(data) => (
            <ul className="divide-y divide-slate-100">
              {data.calls.map((call) => (
                <li key={call.id}>
                  <Link to="/calls/$callId" params={{ callId: call.id }} className={`flex flex-wrap items-center justify-between gap-2 py-2 ${focusRing}`}>
                    <span>
                      <span className="font-medium">{formatPhone(call.customerNumber)}</span>
                      <span className="block text-sm text-slate-600">since {formatDateTime(call.startedAt, timeZone)}</span>
                    </span>
                    <span className="flex items-center gap-2 text-sm">
                      {formatDuration(call.startedAt ? (Date.now() - Date.parse(call.startedAt)) / 1000 : null)}
                      <CallStatusBadge status={call.status} />
                    </span>
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </div>
    </Card>
  );
}
