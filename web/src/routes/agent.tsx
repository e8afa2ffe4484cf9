/**
 * The agent editor: every setting, one Save. A change Vapi refuses leaves the agent as it was
 * and the refusal is shown in words; pause/resume and delete are separate, confirmed actions.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createLazyRoute, useNavigate, useParams } from "@tanstack/react-router";
import { useState } from "react";
import { AgentForm } from "../components/agent-form";
import { AgentStateBadge, AgentStateHelp } from "../components/agent-state";
import { ConfirmDialog } from "../components/confirm-dialog";
import { QueryState } from "../components/query-state";
import { useToast } from "../components/toaster";
import { TryChat } from "../components/try-chat";
import { Button, PageHeader } from "../components/ui";
import { LazyWebsiteImport } from "../components/website-import-lazy";
import { client, unwrap } from "../lib/api";
import { useSingleFlightMutation } from "../lib/mutation";
import { agentQuery, keys } from "../lib/queries";

export const Route = createLazyRoute("/app/agents/$agentId")({ component: AgentPage });

function AgentPage() {
  const { agentId } = useParams({ from: "/app/agents/$agentId" });
  const agent = useQuery(agentQuery(agentId));
  const queryClient = useQueryClient();
  const toast = useToast();
  const navigate = useNavigate();
  const [confirmDelete, setConfirmDelete] = useState(false);
  const setStatus = useSingleFlightMutation({
    mutationFn: (status: "active" | "paused") => unwrap(client.agents[":id"].$patch({ param: { id: agentId }, json: { status } })),
    onSuccess: async (answer) => {
      queryClient.setQueryData(keys.agent(agentId), answer);
      await queryClient.invalidateQueries({ queryKey: keys.agents });
      toast(answer.agent.status === "paused" ? "Paused: callers hear that the line is not taking calls." : "Resumed: your receptionist answers again.");
    },
  });
  const remove = useSingleFlightMutation({
    mutationFn: () => unwrap(client.agents[":id"].$delete({ param: { id: agentId } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.agents });
      await queryClient.invalidateQueries({ queryKey: keys.phoneNumbers });
      toast("Receptionist deleted.");
      await navigate({ to: "/agents" });
    },
  });

  return (
    <QueryState query={agent} loadingLabel="Loading the receptionist…">
      {({ agent: current }) => (
        <>
          <PageHeader
            title={current.name}
            description={
              <span className="inline-flex items-center gap-2">
                <AgentStateBadge state={current.state} />
                <AgentStateHelp state={current.state} />
              </span>
            }
            actions={
              <div className="flex flex-wrap gap-2">
                <Button
                  variant="secondary"
                  pending={setStatus.isPending}
                  onClick={() => setStatus.mutate(current.status === "active" ? "paused" : "active")}
                >
                  {current.status === "active" ? "Pause" : "Resume"}
                </Button>
                <Button variant="danger" onClick={() => setConfirmDelete(true)}>
                  Delete
                </Button>
              </div>
            }
          />
          {setStatus.error && <p role="alert" className="mb-4 text-sm text-red-700">{setStatus.error.message}</p>}
          <AgentForm key={current.updatedAt} agent={current} />
          <div className="mt-6">
            <LazyWebsiteImport agent={current} />
          </div>
          <div className="mt-6">
            <TryChat agentId={current.id} />
          </div>
          <ConfirmDialog
            open={confirmDelete}
            onOpenChange={setConfirmDelete}
            title={`Delete ${current.name}?`}
            description="The receptionist stops answering. Its numbers stay yours, unassigned, until you release them."
            confirmLabel="Delete receptionist"
            pending={remove.isPending}
            error={remove.error?.message}
            onConfirm={() => remove.mutate()}
          />
        </>
      )}
    </QueryState>
  );
}
