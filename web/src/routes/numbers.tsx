/** Phone numbers: buy (US), assign to an agent, release; Vapi's activation status shown and refreshed; a page at a time. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createLazyRoute, useNavigate, useSearch } from "@tanstack/react-router";
import { useState } from "react";
import { AgentOptions } from "../components/agent-options";
import { useBuyNumber } from "../components/buy-number";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ForwardingGuide } from "../components/forwarding-guide";
import { Pager } from "../components/pager";
import { QueryState } from "../components/query-state";
import { useToast } from "../components/toaster";
import { Alert, Badge, Button, Card, PageHeader, Select } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { formatDateTime, formatPhone, useTimezone } from "../lib/format";
import { useSingleFlightMutation } from "../lib/mutation";
import { agentsQuery, keys, phoneNumbersPageQuery } from "../lib/queries";

export const Route = createLazyRoute("/app/numbers")({ component: Numbers });

type PhoneNumber = NonNullable<Awaited<ReturnType<NonNullable<ReturnType<typeof phoneNumbersPageQuery>["queryFn"]>>>>["phoneNumbers"][number];

function Numbers() {
  const search = useSearch({ from: "/app/numbers" });
  const navigate = useNavigate();
  const numbers = useQuery({
    ...phoneNumbersPageQuery(search.cursor),
    // Numbers Vapi is still activating are re-read until they are active.
    refetchInterval: (query) => (query.state.data?.phoneNumbers.some((number) => number.status !== "active") ? 4000 : false),
  });
  const toPage = (cursor: string | undefined) => navigate({ to: "/numbers", search: { cursor } });
  return (
    <>
      <PageHeader title="Phone numbers" description="The numbers your callers dial, and which receptionist answers each." />
      <div className="space-y-6">
        <BuyNumber />
        <ForwardingGuide />
        <Card title="Your numbers">
          <QueryState
            query={numbers}
            isEmpty={(data) => data.phoneNumbers.length === 0 && !search.cursor}
            empty="No numbers yet. Buy one above."
            loadingLabel="Loading numbers…"
          >
            {(data) => (
              <>
                {data.phoneNumbers.length === 0 ? (
                  <p className="py-4 text-sm text-slate-600">No more numbers after the previous page.</p>
                ) : (
                  <ul className="divide-y divide-slate-100">
                    {data.phoneNumbers.map((number) => (
                      <NumberRow key={number.id} number={number} />
                    ))}
                  </ul>
                )}
                <Pager cursor={search.cursor} nextCursor={data.nextCursor} onPage={toPage} firstLabel="First numbers" nextLabel="More numbers" />
              </>
            )}
          </QueryState>
        </Card>
      </div>
    </>
  );
}

function BuyNumber() {
  const toast = useToast();
  const [agentId, setAgentId] = useState("");
  const { buy, server, submit, areaCodeField } = useBuyNumber(() => toast("Number bought. It is being activated."));
  return (
    <Card title="Buy a number">
      <form onSubmit={submit(agentId || null)} noValidate className="grid items-start gap-4 sm:grid-cols-3">
        {areaCodeField()}
        <Select label="Answered by" value={agentId} onChange={(event) => setAgentId(event.target.value)} error={server.fields.agentId}>
          <option value="">No receptionist yet</option>
          <AgentOptions />
        </Select>
        <div className="sm:pt-6">
          <Button type="submit" pending={buy.isPending} pendingLabel="Buying…" className="w-full">
            Buy number
          </Button>
        </div>
      </form>
      {server.general && (
        <div className="mt-3">
          <Alert>{server.general}</Alert>
        </div>
      )}
    </Card>
  );
}

function NumberRow({ number }: { number: PhoneNumber }) {
  const queryClient = useQueryClient();
  const toast = useToast();
  const timeZone = useTimezone();
  const [confirm, setConfirm] = useState(false);
  const agents = useQuery(agentsQuery);
  const assign = useSingleFlightMutation({
    mutationFn: (agentId: string | null) => unwrap(client["phone-numbers"][":id"].$patch({ param: { id: number.id }, json: { agentId } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.phoneNumbers });
      toast("Saved.");
    },
  });
  const release = useSingleFlightMutation({
    mutationFn: () => unwrap(client["phone-numbers"][":id"].$delete({ param: { id: number.id } })),
    onSuccess: async () => {
      setConfirm(false);
      await queryClient.invalidateQueries({ queryKey: keys.phoneNumbers });
      toast("Number released.");
    },
  });
  const label = number.number ? formatPhone(number.number) : "Number being assigned…";
  return (
    <li className="grid gap-3 py-4 sm:grid-cols-[1fr_14rem_auto] sm:items-center">
      <div>
        <p className="text-lg font-semibold">{label}</p>
        <p className="text-sm text-slate-600">
          <Badge tone={number.status === "active" ? "green" : "amber"}>{number.status === "active" ? "Active" : `Activating (${number.status})`}</Badge>{" "}
          bought {formatDateTime(number.createdAt, timeZone)}
        </p>
      </div>
      {/* Drawn only once the receptionists are in: before that the select would read "Nobody" for an assigned number. */}
      <Select
        label={`Receptionist answering ${label}`}
        value={agents.data ? (number.agentId ?? "") : "loading"}
        disabled={assign.isPending || !agents.data}
        onChange={(event) => assign.mutate(event.target.value || null)}
        error={assign.error?.message ?? (agents.isError ? "The receptionists could not be loaded. Reload the page." : undefined)}
      >
        {agents.data ? (
          <>
            <option value="">Nobody (callers hear it is not in service)</option>
            <AgentOptions />
          </>
        ) : (
          <option value="loading">Loading receptionists…</option>
        )}
      </Select>
      <Button variant="secondary" onClick={() => setConfirm(true)} aria-label={`Release ${label}`}>
        Release
      </Button>
      <ConfirmDialog
        open={confirm}
        onOpenChange={setConfirm}
        title={`Release ${label}?`}
        description="The number goes back to the carrier. Callers will no longer reach your receptionist on it, and you may not get it back."
        confirmLabel="Release number"
        pending={release.isPending}
        error={release.error?.message}
        onConfirm={() => release.mutate()}
      />
    </li>
  );
}
