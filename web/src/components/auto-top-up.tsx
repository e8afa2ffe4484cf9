/**
 * Auto top-up on the billing page (owner only, as the whole page is: lib/role.ts): the pack, the
 * level below which it buys, the monthly cap, the card saved at checkout, a pause with its reason
 * and a way to resume, and what it charged this month. The API checks everything again
 * (PATCH /api/business autoTopUp); its per-field messages land beside the inputs.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useState } from "react";
import { client, unwrap } from "../lib/api";
import { formatDateTime, formatMoney, plural, useTimezone } from "../lib/format";
import { problemsFromError, useProblems } from "../lib/forms";
import { useSingleFlightMutation } from "../lib/mutation";
import { businessQuery, keys, packsQuery } from "../lib/queries";
import { QueryState } from "./query-state";
import { useToast } from "./toaster";
import { Alert, Badge, Button, Card, Field, Select } from "./ui";

type Business = Awaited<ReturnType<NonNullable<typeof businessQuery.queryFn>>>["business"];
type AutoTopUp = Business["autoTopUp"];
interface Draft {
  enabled: boolean;
  packId: string;
  whenBelow: string;
  cap: string;
}

const FIELDS = ["autoTopUp.enabled", "autoTopUp.packId", "autoTopUp.whenBelow", "autoTopUp.monthlyCapCents"] as const;
const STATUS: Record<string, { label: string; tone: "green" | "amber" | "red" | "slate" }> = {
  succeeded: { label: "Paid", tone: "green" },
  pending: { label: "In progress", tone: "amber" },
  failed: { label: "Failed", tone: "red" },
  capped: { label: "Skipped: monthly cap", tone: "slate" },
};

export function AutoTopUpCard() {
  const business = useQuery(businessQuery);
  return (
    <Card title="Auto top-up">
      <QueryState query={business} loadingLabel="Loading auto top-up…">
        {(data) => <AutoTopUpForm settings={data.business.autoTopUp} />}
      </QueryState>
    </Card>
  );
}

function AutoTopUpForm({ settings }: { settings: AutoTopUp }) {
  const packs = useQuery(packsQuery);
  const queryClient = useQueryClient();
  const toast = useToast();
  const timeZone = useTimezone();
  const local = useProblems();
  const [draft, setDraft] = useState<Draft>(() => ({
    enabled: settings.enabled,
    packId: settings.packId ?? "starter",
    whenBelow: settings.whenBelow === null ? "20" : String(settings.whenBelow),
    cap: settings.monthlyCapCents === null ? "100" : String(settings.monthlyCapCents / 100),
  }));
  const save = useSingleFlightMutation({
    mutationFn: (autoTopUp: { enabled: boolean; packId: string; whenBelow: number; monthlyCapCents: number }) => unwrap(client.business.$patch({ json: { autoTopUp } })),
    onSuccess: (answer) => {
      queryClient.setQueryData(keys.business, answer);
      toast(answer.business.autoTopUp.enabled ? "Auto top-up is on." : "Auto top-up is off.");
    },
  });
  const server = problemsFromError(save.error, FIELDS);
  const problem = (field: (typeof FIELDS)[number]) => local.problems[field] ?? server.fields[field];
  const set = (change: Partial<Draft>) => {
    setDraft((current) => ({ ...current, ...change }));
    for (const field of FIELDS) local.clear(field);
  };
  const currency = packs.data?.packs.find((pack) => pack.id === draft.packId)?.currency ?? "usd";

  const submit = (event: FormEvent, enabled = draft.enabled) => {
    event.preventDefault();
    const whenBelow = Number(draft.whenBelow);
    const cap = Number(draft.cap);
    const found: Record<string, string> = {};
    if (!Number.isInteger(whenBelow) || whenBelow < 1) found["autoTopUp.whenBelow"] = "Enter a whole number of credits, 1 or more.";
    if (!Number.isFinite(cap) || cap <= 0) found["autoTopUp.monthlyCapCents"] = "Enter the most to spend in a month, in dollars.";
    if (local.check(found) && !save.isPending) save.mutate({ enabled, packId: draft.packId, whenBelow, monthlyCapCents: Math.round(cap * 100) });
  };

  const month = settings.thisMonth;
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-600">
        When your balance drops below the level you choose, we buy the pack with your saved card, at most once each time it drops and never past
        your monthly cap.
      </p>
      {settings.paused && (
        <Alert tone="warning">
          <span className="font-medium">Auto top-up is paused.</span> {settings.paused.message}
          <div className="mt-2">
            <Button variant="secondary" onClick={(event) => submit(event, true)} pending={save.isPending} pendingLabel="Resuming…">
              Resume auto top-up
            </Button>
          </div>
        </Alert>
      )}
      <p className="text-sm" data-testid="saved-card">
        {settings.card ? (
          <>
            Saved card: <span className="font-medium capitalize">{settings.card.brand}</span> ending {settings.card.last4}
            {settings.card.expMonth && settings.card.expYear ? ` (expires ${String(settings.card.expMonth).padStart(2, "0")}/${settings.card.expYear})` : ""}
          </>
        ) : (
          <>No saved card yet: buy a pack above with "Save my card for auto top-up" ticked.</>
        )}
      </p>
      <form onSubmit={submit} noValidate className="space-y-4">
        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" className="size-4 accent-indigo-600" checked={draft.enabled} onChange={(event) => set({ enabled: event.target.checked })} />
          Top up automatically
        </label>
        {problem("autoTopUp.enabled") && (
          <p className="text-sm text-red-700" role="alert">
            {problem("autoTopUp.enabled")}
          </p>
        )}
        <div className="grid gap-3 sm:grid-cols-3">
          <Select label="Pack to buy" value={draft.packId} onChange={(event) => set({ packId: event.target.value })} error={problem("autoTopUp.packId")}>
            {(packs.data?.packs ?? []).map((pack) => (
              <option key={pack.id} value={pack.id}>
                {pack.name}: {plural(pack.credits, "credit")} for {formatMoney(pack.priceCents, pack.currency)}
              </option>
            ))}
          </Select>
          <Field
            label="Top up when my balance drops below"
            type="number"
            inputMode="numeric"
            min={1}
            value={draft.whenBelow}
            onChange={(event) => set({ whenBelow: event.target.value })}
            hint="credits"
            error={problem("autoTopUp.whenBelow")}
          />
          <Field
            label="Spend at most, per month"
            type="number"
            inputMode="decimal"
            min={1}
            step="0.01"
            value={draft.cap}
            onChange={(event) => set({ cap: event.target.value })}
            hint={`${currency.toUpperCase()}, counted per calendar month`}
            error={problem("autoTopUp.monthlyCapCents")}
          />
        </div>
        {server.general && <Alert>{server.general}</Alert>}
        <Button type="submit" pending={save.isPending} pendingLabel="Saving…">
          Save auto top-up
        </Button>
      </form>
      <section aria-labelledby="top-up-month">
        <h3 id="top-up-month" className="text-sm font-semibold">
          This month
        </h3>
        <p className="text-sm text-slate-600" data-testid="top-up-month">
          Charged {formatMoney(month.chargedCents, currency)}
          {month.pendingCents > 0 ? `, ${formatMoney(month.pendingCents, currency)} in progress` : ""}
          {month.remainingCents !== null ? `; ${formatMoney(month.remainingCents, currency)} left under your cap.` : "."}
        </p>
        {month.topUps.length > 0 && (
          <ul className="mt-2 divide-y divide-slate-100 text-sm">
            {month.topUps.map((topUp) => (
              <li key={topUp.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  {formatDateTime(topUp.at, timeZone)}: {plural(topUp.credits, "credit")} for {formatMoney(topUp.amountCents, topUp.currency)}
                </span>
                <Badge tone={STATUS[topUp.status]?.tone ?? "slate"}>{STATUS[topUp.status]?.label ?? topUp.status}</Badge>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
