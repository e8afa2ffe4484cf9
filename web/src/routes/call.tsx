/** One call: who, when, how long, credits charged, what was booked, its texts, the summary, structured data, recording and transcript. */
import { useQuery } from "@tanstack/react-query";
import { createLazyRoute, Link, useParams } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { CallStatusBadge, isLive } from "../components/call-status";
import { FollowUpPanel } from "../components/follow-up-panel";
import { QueryState } from "../components/query-state";
import { TextsCard } from "../components/text-list";
import { Transcript } from "../components/transcript";
import { Alert, Card, focusRing, PageHeader } from "../components/ui";
import type { CallDetail } from "../lib/contract";
import { formatDateTime, formatDuration, formatLongDate, formatPhone, useTimezone } from "../lib/format";
import { agentsQuery, callQuery } from "../lib/queries";

export const Route = createLazyRoute("/app/calls/$callId")({ component: CallPage });

function CallPage() {
  const { callId } = useParams({ from: "/app/calls/$callId" });
  const call = useQuery({ ...callQuery(callId), refetchInterval: (query) => (query.state.data && isLive(query.state.data.call.status) ? 3000 : false) });
  return (
    <>
      <Link to="/calls" search={{ agentId: undefined, status: undefined, from: undefined, to: undefined, followUp: undefined, booked: undefined, q: undefined, cursor: undefined }} className={`text-sm text-indigo-700 underline ${focusRing}`}>
        ← All calls
      </Link>
      <QueryState query={call} loadingLabel="Loading the call…">
        {(data) => <CallView call={data.call} />}
      </QueryState>
    </>
  );
}

function CallView({ call }: { call: CallDetail }) {
  const timeZone = useTimezone();
  const agents = useQuery(agentsQuery);
  const agent = agents.data?.agents.find((candidate) => candidate.id === call.agentId);
  const booked = call.events.filter((event) => event.kind === "booked" || event.kind === "moved" || event.kind === "cancelled");
  const forwarded = call.events.find((event) => event.kind === "refused" && event.detail.startsWith("Forwarded"));
  const problems = call.events.filter((event) => event.kind === "tool_failed" || (event.kind === "refused" && event !== forwarded));
  return (
    <div className="mt-2 space-y-6">
      <PageHeader title={`Call from ${call.callerName ?? (call.customerNumber ? formatPhone(call.customerNumber) : "an unknown number")}`} description={formatDateTime(call.startedAt, timeZone)} actions={<CallStatusBadge status={call.status} />} />
      <dl className="grid gap-3 sm:grid-cols-5">
        {/* The number is how the owner calls back: shown whatever name the caller gave. */}
        <Fact label="Caller's number">
          {call.customerNumber ? (
            <a href={`tel:${call.customerNumber}`} className="text-indigo-700 underline">
              {formatPhone(call.customerNumber)}
            </a>
          ) : (
            "Withheld"
          )}
        </Fact>
        <Fact label="Receptionist">{agent?.name ?? "—"}</Fact>
        <Fact label="Duration">{formatDuration(call.durationSeconds)}</Fact>
        <Fact label="Credits charged">{call.creditsCharged ?? "—"}</Fact>
        <Fact label="Ended because">{call.endedReason?.replace(/[-_]/g, " ") ?? "—"}</Fact>
      </dl>
      {call.refusedReason && <Alert tone="warning">{refusalWords(call.refusedReason, forwarded?.detail)}</Alert>}
      <FollowUpPanel call={call} />
      {booked.length > 0 && (
        <Card title="Booked">
          <ul className="space-y-1 text-sm">
            {booked.map((event, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the call's events never change order
              <li key={index}>{bookingLine(event, timeZone)}</li>
            ))}
          </ul>
        </Card>
      )}
      <TextsCard filter={{ callId: call.id }} />
      {problems.length > 0 && (
        <Card title="What went wrong">
          <ul className="space-y-1 text-sm">
            {problems.map((event, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the call's events never change order
              <li key={index}>
                {formatDateTime(event.at, timeZone)}: {event.detail}
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Card title="Summary">
        <p className="text-sm whitespace-pre-line">{call.summary || "No summary for this call."}</p>
      </Card>
      {call.structuredData && Object.keys(call.structuredData).length > 0 && (
        <Card title="What the receptionist noted">
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[12rem_1fr]">
            {Object.entries(call.structuredData).map(([key, value]) => (
              <div key={key} className="contents">
                <dt className="font-medium text-slate-600">{key.replace(/([A-Z])/g, " $1").replace(/^./, (c) => c.toUpperCase())}</dt>
                <dd>{describe(value)}</dd>
              </div>
            ))}
          </dl>
        </Card>
      )}
      <Card title="Recording">
        {call.recordingUrl ? (
          // biome-ignore lint/a11y/useMediaCaption: Vapi gives no caption file; the transcript on this page is the text of the call
          <audio controls preload="none" src={call.recordingUrl} className="w-full" aria-label="Call recording" />
        ) : (
          <p className="text-sm text-slate-500">No recording for this call.</p>
        )}
      </Card>
      <Card title="Transcript">
        <Transcript messages={call.messages} transcript={call.transcript} />
        <Retention call={call} timeZone={timeZone} />
      </Card>
    </div>
  );
}

/** When the retention sweep deletes the conversation (the business's retention days), or that it has. */
function Retention({ call, timeZone }: { call: CallDetail; timeZone: string }) {
  if (call.artifactsDeletedAt) {
    return <p className="mt-3 text-xs text-slate-500">The transcript, summary and recording were deleted on {formatLongDate(call.artifactsDeletedAt, timeZone)} (your retention period).</p>;
  }
  if (!call.retainedUntil) return null;
  return <p className="mt-3 text-xs text-slate-500">Transcript kept until {formatLongDate(call.retainedUntil, timeZone)}, then deleted with the summary and recording.</p>;
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-3">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-1 font-medium">{children}</dd>
    </div>
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  if (typeof value === "boolean") return value ? "Yes" : "No";
  if (Array.isArray(value)) return value.length ? value.map(describe).join("; ") : "—";
  if (typeof value === "object") return Object.entries(value).map(([k, v]) => `${k}: ${describe(v)}`).join(", ");
  return String(value);
}

const REFUSALS = new Map([
  ["out_of_credit", "you were out of credits"],
  ["agent_paused", "the receptionist was paused"],
  ["no_agent", "no receptionist answers this number"],
]);

/** Why the receptionist did not answer, and where the caller went when they were forwarded. */
function refusalWords(reason: string, forwardedDetail: string | undefined): string {
  const why = REFUSALS.get(reason) ?? reason.replace(/_/g, " ");
  if (forwardedDetail) return `Your receptionist did not answer (${why}): ${forwardedDetail.charAt(0).toLowerCase()}${forwardedDetail.slice(1)}.`;
  return `Your receptionist did not answer this call: ${why}.`;
}

/** "Booked: Dec 2, 2026, 10:00 AM, for Jordan Lee", the kind said once and the times in the owner's zone. */
function bookingLine(event: CallDetail["events"][number], timeZone: string): string {
  const at = event.start ? formatDateTime(event.start, timeZone) : null;
  if (event.kind === "booked") {
    const name = event.detail.replace(/^booked\s*(for\s*)?/i, "");
    return `Booked: ${at ?? "a time"}${name ? `, for ${name}` : ""}`;
  }
  if (event.kind === "moved") {
    const from = /^moved from (\S+)/i.exec(event.detail)?.[1];
    return `Moved to ${at ?? "a new time"}${from && !Number.isNaN(Date.parse(from)) ? ` (was ${formatDateTime(from, timeZone)})` : ""}`;
  }
  return `Cancelled: ${at ?? "an appointment"}${event.detail && !/^cancelled$/i.test(event.detail) ? ` (${event.detail.replace(/^cancelled\s*/i, "")})` : ""}`;
}
