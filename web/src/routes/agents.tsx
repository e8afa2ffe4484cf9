import { useQuery } from "@tanstack/react-query";
import { createLazyRoute, Link } from "@tanstack/react-router";
import { AgentStateBadge, AgentStateHelp } from "../components/agent-state";
import { QueryState } from "../components/query-state";
import { buttonClass, Card, focusRing, PageHeader } from "../components/ui";
import { formatDateTime, formatPhone, useTimezone } from "../lib/format";
import { clearDraft } from "../lib/onboarding-state";
import { agentsQuery, phoneNumbersQuery } from "../lib/queries";

export const Route = createLazyRoute("/app/agents")({ component: Agents });

function Agents() {
  const agents = useQuery(agentsQuery);
  const numbers = useQuery(phoneNumbersQuery);
  const timeZone = useTimezone();
  const newAgent = (
    <Link to="/onboarding" search={{ step: "business" }} className={buttonClass("primary")} onClick={clearDraft}>
      New receptionist
    </Link>
  );
  return (
    <>
      <PageHeader title="Receptionists" description="Each receptionist has its own greeting, FAQ, voice and hours." actions={newAgent} />
      <Card>
        <QueryState query={agents} isEmpty={(data) => data.agents.length === 0} empty={<>No receptionists yet. {newAgent}</>} loadingLabel="Loading receptionists…">
          {(data) => (
            <ul className="divide-y divide-slate-100">
              {data.agents.map((agent) => {
                const assigned = numbers.data?.phoneNumbers.filter((number) => number.agentId === agent.id) ?? [];
                return (
                  <li key={agent.id} className="flex flex-wrap items-center justify-between gap-2 py-3">
                    <div>
                      <Link to="/agents/$agentId" params={{ agentId: agent.id }} className={`font-medium text-indigo-700 underline ${focusRing}`}>
                        {agent.name}
                      </Link>
                      <p className="text-sm text-slate-600">
                        {assigned.length ? assigned.map((number) => formatPhone(number.number)).join(", ") : "No phone number"} · updated{" "}
                        {formatDateTime(agent.updatedAt, timeZone)}
                      </p>
                    </div>
                    <AgentStateBadge state={agent.state} />
                    {agent.state !== "answering" && (
                      <p className="w-full text-sm text-slate-600">
                        <AgentStateHelp state={agent.state} />
                      </p>
                    )}
                  </li>
                );
              })}
            </ul>
          )}
        </QueryState>
      </Card>
    </>
  );
}
