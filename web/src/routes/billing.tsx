/**
 * Credits: balance, reserved (held by calls in progress) and available; packs to Stripe
 * Checkout and back (saving the card when asked); auto top-up; the ledger, page by page; the
 * low-credit warning threshold.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createLazyRoute, Link, useNavigate, useSearch } from "@tanstack/react-router";
import type { FormEvent } from "react";
import { useEffect, useState } from "react";
import { AutoTopUpCard } from "../components/auto-top-up";
import { ContinueSetup } from "../components/continue-setup";
import { PackPicker } from "../components/pack-picker";
import { Pager } from "../components/pager";
import { QueryState } from "../components/query-state";
import { useToast } from "../components/toaster";
import { Alert, Button, Card, Field, PageHeader } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { formatDateTime, useTimezone } from "../lib/format";
import { problemsFromError, useProblems } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { creditsQuery, keys, meQuery, rememberUser } from "../lib/queries";

export const Route = createLazyRoute("/app/billing")({ component: Billing });

const KIND_LABEL: Record<string, string> = { purchase: "Purchase", call: "Call", adjustment: "Adjustment", refund: "Refund", dispute: "Dispute", text: "Text" };

function Billing() {
  const search = useSearch({ from: "/app/billing" });
  const navigate = useNavigate();
  const timeZone = useTimezone();
  const paid = search.checkout === "success";
  const [startedAt] = useState(() => Date.now());
  // After Stripe, the credits arrive with the webhook: poll for a minute until they do.
  const credits = useQuery({
    ...creditsQuery(search.cursor),
    refetchInterval: (query) => (paid && Date.now() - startedAt < 60_000 && !query.state.data?.transactions.some((t) => t.kind === "purchase" && Date.parse(t.createdAt) > startedAt - 120_000) ? 2000 : false),
  });
  const queryClient = useQueryClient();
  const me = useQuery({ ...meQuery, refetchInterval: 10_000 });
  const arrived = paid && credits.data?.transactions.some((t) => t.kind === "purchase" && Date.parse(t.createdAt) > startedAt - 120_000);
  useEffect(() => {
    if (arrived) void queryClient.invalidateQueries({ queryKey: keys.me });
  }, [arrived, queryClient]);

  return (
    <>
      <PageHeader title="Credits" description="One credit is one minute of calls, billed per call and rounded up." />
      {paid && (
        <div className="mb-4">
          <Alert tone={arrived ? "success" : "info"}>
            {arrived ? "Payment received: your credits are in." : "Payment received. Your credits arrive in a moment…"}
            <ContinueSetup step="number" />
          </Alert>
        </div>
      )}
      {search.checkout === "cancelled" && (
        <div className="mb-4">
          <Alert tone="warning">Checkout was cancelled; nothing was charged.</Alert>
        </div>
      )}
      <div className="space-y-6">
        <QueryState query={credits} loadingLabel="Loading credits…">
          {(data) => {
            // /api/me carries the CreditAccount's holds; /api/credits may too once it is extended.
            const extra = data as typeof data & { reserved?: number; available?: number };
            const reserved = extra.reserved ?? me.data?.user.reserved ?? 0;
            const available = extra.available ?? me.data?.user.available ?? data.balance - reserved;
            return (
              <dl className="grid gap-3 sm:grid-cols-3">
                <Stat label="Balance" value={data.balance} />
                <Stat label="Held by calls in progress" value={reserved} />
                <Stat label="Available for new calls" value={available} strong />
              </dl>
            );
          }}
        </QueryState>
        <Card title="Buy credits">
          <PackPicker offerSaveCard suggested={search.buy} />
        </Card>
        <AutoTopUpCard />
        <Threshold />
        <Card title="History">
          <QueryState query={credits} isEmpty={(data) => data.transactions.length === 0} empty="No credit movements yet.">
            {(data) => (
              <>
                <div className="overflow-x-auto">
                  <table className="w-full text-left text-sm">
                    <caption className="sr-only">Credit history, newest first</caption>
                    <thead className="text-slate-500">
                      <tr>
                        <th scope="col" className="py-2 pr-4 font-medium">When</th>
                        <th scope="col" className="py-2 pr-4 font-medium">What</th>
                        <th scope="col" className="py-2 pr-4 text-right font-medium">Change</th>
                        <th scope="col" className="py-2 text-right font-medium">Balance after</th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100">
                      {data.transactions.map((row) => (
                        <tr key={row.id}>
                          <td className="py-2 pr-4 whitespace-nowrap">{formatDateTime(row.createdAt, timeZone)}</td>
                          <td className="py-2 pr-4">
                            {row.callId ? (
                              <Link to="/calls/$callId" params={{ callId: row.callId }} className="text-indigo-700 hover:underline">
                                {row.description ?? KIND_LABEL[row.kind] ?? row.kind}
                              </Link>
                            ) : (
                              (row.description ?? KIND_LABEL[row.kind] ?? row.kind)
                            )}
                          </td>
                          <td className={`py-2 pr-4 text-right font-medium tabular-nums ${row.delta < 0 ? "text-red-700" : "text-emerald-700"}`}>
                            {row.delta > 0 ? "+" : ""}
                            {row.delta.toLocaleString()}
                          </td>
                          <td className="py-2 text-right tabular-nums">{row.balanceAfter.toLocaleString()}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                <Pager
                  cursor={search.cursor}
                  nextCursor={data.nextCursor}
                  onPage={(cursor) => navigate({ to: "/billing", search: { checkout: undefined, buy: undefined, cursor } })}
                  firstLabel="Newest"
                  nextLabel="Older"
                />
              </>
            )}
          </QueryState>
        </Card>
      </div>
    </>
  );
}

function Stat({ label, value, strong }: { label: string; value: number; strong?: boolean }) {
  return (
    <div className={`rounded-lg border p-4 ${strong ? "border-indigo-200 bg-indigo-50" : "border-slate-200 bg-white"}`}>
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="mt-1 text-3xl font-bold tabular-nums" data-testid={`credits-${label.split(" ")[0]?.toLowerCase()}`}>
        {value.toLocaleString()}
      </dd>
    </div>
  );
}

/** The API's ceiling for the warning level (PATCH /api/me). */
const MAX_THRESHOLD = 1_000_000;

function Threshold() {
  const me = useQuery(meQuery);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [value, setValue] = useState<string | null>(null);
  const local = useProblems();
  const shown = value ?? String(me.data?.user.lowCreditThreshold ?? "");
  const save = useSingleFlightMutation({
    mutationFn: (lowCreditThreshold: number) => unwrap(client.me.$patch({ json: { lowCreditThreshold } })),
    onSuccess: async (answer) => {
      rememberUser(queryClient, answer.user);
      await queryClient.invalidateQueries({ queryKey: keys.credits });
      setValue(null);
      toast("Saved.");
    },
  });
  const server = problemsFromError(save.error, ["lowCreditThreshold"]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const number = Number(shown);
    const found: Record<string, string> = {};
    if (shown.trim() === "" || !Number.isInteger(number) || number < 0) found.lowCreditThreshold = "Enter a whole number of credits, 0 or more.";
    else if (number > MAX_THRESHOLD) found.lowCreditThreshold = `The warning level can be at most ${MAX_THRESHOLD.toLocaleString()} credits.`;
    if (local.check(found) && !save.isPending) save.mutate(number);
  };
  return (
    <Card title="Low-credit warning">
      <form onSubmit={submit} noValidate className="flex flex-wrap items-start gap-3">
        <Field
          label="E-mail me when my balance drops below"
          type="number"
          inputMode="numeric"
          min={0}
          value={shown}
          onChange={(event) => {
            setValue(event.target.value);
            local.clear("lowCreditThreshold");
          }}
          error={local.problems.lowCreditThreshold ?? server.fields.lowCreditThreshold ?? server.general}
          hint="credits"
          className="w-72"
        />
        <Button type="submit" className="sm:mt-6" pending={save.isPending} pendingLabel="Saving…">
          Save
        </Button>
      </form>
    </Card>
  );
}
