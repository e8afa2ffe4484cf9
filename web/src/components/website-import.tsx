/**
 * "Import from your website" (ADR 0334): the owner names the business's site, follows the reading
 * (POST /api/knowledge/import, then GET …/imports/:id until it is ready or failed), reviews the
 * draft — ticks the FAQ pairs, services and hours to take and edits them — and applies the ticked
 * ones through the agent's own PATCH, the same save the editor makes; nothing is saved before. When
 * the weekly re-read found something different on the site, "Changes on your website" offers only
 * that. Mounted on the agent page.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useId, useState } from "react";
import type { Agent, FaqItem, Hours } from "../lib/agent-types";
import { DAYS } from "../lib/agent-types";
import { ApiError, client, unwrap } from "../lib/api";
import { formatMoney } from "../lib/format";
import { useSingleFlightMutation } from "../lib/mutation";
import { keys } from "../lib/queries";
import { useToast } from "./toaster";
import { Alert, Badge, Button, Card, Field, Spinner, TextArea } from "./ui";

type Service = { name: string; minutes: number; priceCents?: number };
type Draft = { faq: FaqItem[]; services: Service[]; hours: Hours | null };
type Changes = { faq: Record<"added" | "changed" | "removed", FaqItem[]>; services: Record<"added" | "changed" | "removed", Service[]>; hours: Hours | null };
type Import = { id: string; status: string; kind: string; error?: string; draft?: Draft; changes?: Changes; seenAt: string | null };

const PROGRESS = new Map([
  ["queued", "Waiting to start…"],
  ["reading", "Reading your website…"],
  ["drafting", "Writing the draft from your pages…"],
]);

const importKey = (id: string) => ["knowledge-import", id] as const;
const listKey = (agentId: string) => ["knowledge-imports", agentId] as const;

/** Items of a review: ticked or not, each editable. */
type Choice<T> = { item: T; take: boolean; change?: "added" | "changed" | "removed" };

function reviewOf(found: Import): { faq: Choice<FaqItem>[]; services: Choice<Service>[]; hours: Hours | null } {
  if (found.kind === "weekly" && found.changes) {
    const { faq, services } = found.changes;
    const marked = <T,>(groups: Record<"added" | "changed" | "removed", T[]>) =>
      (["added", "changed", "removed"] as const).flatMap((change) => groups[change].map((item) => ({ item, take: change !== "removed", change })));
    return { faq: marked(faq), services: marked(services), hours: found.changes.hours };
  }
  const draft = found.draft ?? { faq: [], services: [], hours: null };
  return { faq: draft.faq.map((item) => ({ item, take: true })), services: draft.services.map((item) => ({ item, take: true })), hours: draft.hours };
}

const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();

/** The agent's FAQ and services with the ticked items merged in (a same-named one replaced, a removed one dropped). */
function merged(agent: Agent, faq: Choice<FaqItem>[], services: Choice<Service>[]) {
  let nextFaq = [...agent.faq];
  for (const { item, take, change } of faq) {
    if (change === "removed") {
      if (take) nextFaq = nextFaq.filter((pair) => !sameName(pair.question, item.question));
      continue;
    }
    if (!take) continue;
    const at = nextFaq.findIndex((pair) => sameName(pair.question, item.question));
    if (at >= 0) nextFaq[at] = item;
    else nextFaq.push(item);
  }
  // Services the agent has keep their id and staff; new ones get an id from the server.
  let nextServices: { id?: string; name: string; minutes: number; priceCents?: number; staffIds?: string[] }[] = [...agent.booking.services];
  for (const { item, take, change } of services) {
    if (change === "removed") {
      if (take) nextServices = nextServices.filter((service) => !sameName(service.name, item.name));
      continue;
    }
    if (!take) continue;
    const { priceCents: _old, ...existing } = nextServices.find((service) => sameName(service.name, item.name)) ?? { name: item.name, minutes: item.minutes };
    const taken = { ...existing, name: item.name, minutes: item.minutes, ...(item.priceCents !== undefined ? { priceCents: item.priceCents } : {}) };
    const at = nextServices.findIndex((service) => sameName(service.name, item.name));
    if (at >= 0) nextServices[at] = taken;
    else nextServices.push(taken);
  }
  return { faq: nextFaq, services: nextServices };
}

function hoursText(hours: Hours) {
  return DAYS.map(({ key, label }) => `${label}: ${hours[key]?.length ? hours[key].map((r) => `${r.start}–${r.end}`).join(", ") : "closed"}`);
}

export function WebsiteImport({ agent }: { agent: Agent }) {
  const [importId, setImportId] = useState<string | null>(null);
  const [url, setUrl] = useState("");
  const list = useQuery({ queryKey: listKey(agent.id), queryFn: () => unwrap(client.knowledge.imports.$get({ query: { agentId: agent.id } })) });
  const pendingWeekly = list.data?.imports.find((item) => item.kind === "weekly" && item.status === "ready" && !item.seenAt && item.changes && hasChanges(item.changes as Changes));
  const start = useSingleFlightMutation({
    mutationFn: (site: string) => unwrap(client.knowledge.import.$post({ json: { url: site, agentId: agent.id } })),
    onSuccess: (answer) => setImportId(answer.import.id),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (url.trim()) start.mutate(url.trim());
  };
  // Once shown, the weekly re-read stays on screen after it is applied (the list then no longer offers it).
  const [weeklyId, setWeeklyId] = useState<string | null>(null);
  useEffect(() => {
    if (pendingWeekly && weeklyId === null) setWeeklyId(pendingWeekly.id);
  }, [pendingWeekly, weeklyId]);
  const shown = importId ?? weeklyId;
  return (
    <Card title="Import from your website">
      {pendingWeekly && !importId && <Alert tone="info">Changes on your website: the weekly re-read found something different from what you last took. Review it below.</Alert>}
      <form onSubmit={submit} className="mt-2 flex flex-wrap items-end gap-2">
        <Field
          label="Your website"
          hint="We read the page and a few pages it links to on the same site, then draft questions, services and hours for you to review. Nothing is saved until you apply it."
          placeholder="https://yourbusiness.com"
          inputMode="url"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          error={start.error ? (start.error instanceof ApiError ? (start.error.forField("url") ?? start.error.message) : start.error.message) : undefined}
          className="min-w-0 flex-1"
        />
        <Button type="submit" pending={start.isPending} pendingLabel="Starting…">
          Read my website
        </Button>
      </form>
      {shown && (
        <ImportProgress
          key={shown}
          id={shown}
          agent={agent}
          onDone={() => {
            setImportId(null);
            setWeeklyId(""); // dismissed: not pinned again

          }}
        />
      )}
    </Card>
  );
}

function hasChanges(changes: Changes) {
  return changes.hours !== null || [...Object.values(changes.faq), ...Object.values(changes.services)].some((list) => list.length > 0);
}

function ImportProgress({ id, agent, onDone }: { id: string; agent: Agent; onDone: () => void }) {
  const found = useQuery({
    queryKey: importKey(id),
    queryFn: () => unwrap(client.knowledge.imports[":id"].$get({ param: { id } })),
    refetchInterval: (query) => (PROGRESS.has(query.state.data?.import.status ?? "queued") ? 1000 : false),
  });
  const current = found.data?.import as Import | undefined;
  if (found.error) return <Alert>{found.error.message}</Alert>;
  if (!current || PROGRESS.has(current.status)) {
    return (
      <div className="mt-4 flex items-center gap-2 text-sm text-slate-700" role="status">
        <Spinner />
        {PROGRESS.get(current?.status ?? "queued")}
      </div>
    );
  }
  if (current.status === "failed") {
    return (
      <div className="mt-4">
        <Alert>The website could not be imported: {current.error}</Alert>
      </div>
    );
  }
  return <Review key={current.id} found={current} agent={agent} onDone={onDone} />;
}

function Review({ found, agent, onDone }: { found: Import; agent: Agent; onDone: () => void }) {
  const initial = reviewOf(found);
  const [faq, setFaq] = useState(initial.faq);
  const [services, setServices] = useState(initial.services);
  const [takeHours, setTakeHours] = useState(initial.hours !== null);
  const [done, setDone] = useState<string | null>(null);
  const hoursId = useId();
  const queryClient = useQueryClient();
  const toast = useToast();
  const finish = async (outcome: "applied" | "dismissed") => {
    await unwrap(client.knowledge.imports[":id"].$patch({ param: { id: found.id }, json: { outcome } }));
    await queryClient.invalidateQueries({ queryKey: listKey(agent.id) });
  };
  const apply = useSingleFlightMutation({
    mutationFn: async () => {
      const next = merged(agent, faq, services);
      const booking = { services: next.services, ...(takeHours && initial.hours ? { businessHours: initial.hours } : {}) };
      const answer = await unwrap(client.agents[":id"].$patch({ param: { id: agent.id }, json: { faq: next.faq, booking } }));
      await finish("applied");
      return answer;
    },
    onSuccess: (answer) => {
      queryClient.setQueryData(keys.agent(agent.id), answer);
      setDone("Added to your receptionist. Review the settings below.");
      toast("Website draft applied.");
    },
  });
  const dismiss = useSingleFlightMutation({ mutationFn: () => finish("dismissed"), onSuccess: onDone });
  if (done) return <div className="mt-4"><Alert tone="success">{done}</Alert></div>;
  const nothing = faq.length === 0 && services.length === 0 && initial.hours === null;
  const label = (change?: string) => change && <Badge tone={change === "removed" ? "red" : change === "added" ? "green" : "amber"}>{change === "removed" ? "no longer on your site" : change}</Badge>;
  return (
    <div className="mt-4 space-y-5">
      <h3 className="text-sm font-semibold text-slate-900">{found.kind === "weekly" ? "Changes on your website" : "Draft from your website"}</h3>
      {nothing && <Alert tone="info">Nothing to take: the pages did not state questions, services or opening hours.</Alert>}
      {faq.length > 0 && (
        <fieldset className="space-y-3">
          <legend className="text-sm font-medium text-slate-800">Questions and answers</legend>
          {faq.map((pick, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the draft's list never reorders
            <div key={index} className="rounded-md border border-slate-200 p-3">
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={pick.take} onChange={(event) => setFaq(faq.map((p, i) => (i === index ? { ...p, take: event.target.checked } : p)))} />
                {pick.change === "removed" ? `Remove "${pick.item.question}"` : `Take question ${index + 1}`} {label(pick.change)}
              </label>
              {pick.change !== "removed" && (
                <div className="mt-2 grid gap-2">
                  <Field label={`Question ${index + 1}`} value={pick.item.question} maxLength={300} onChange={(event) => setFaq(faq.map((p, i) => (i === index ? { ...p, item: { ...p.item, question: event.target.value } } : p)))} />
                  <TextArea label={`Answer ${index + 1}`} rows={2} value={pick.item.answer} maxLength={1000} onChange={(event) => setFaq(faq.map((p, i) => (i === index ? { ...p, item: { ...p.item, answer: event.target.value } } : p)))} />
                </div>
              )}
            </div>
          ))}
        </fieldset>
      )}
      {services.length > 0 && (
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">Services</legend>
          {services.map((pick, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the draft's list never reorders
            <div key={index} className="flex flex-wrap items-end gap-2 rounded-md border border-slate-200 p-3">
              <label className="flex items-center gap-2 text-sm">
                <input type="checkbox" checked={pick.take} onChange={(event) => setServices(services.map((p, i) => (i === index ? { ...p, take: event.target.checked } : p)))} />
                <span className="sr-only">{pick.change === "removed" ? `Remove ${pick.item.name}` : `Take ${pick.item.name}`}</span>
                {label(pick.change)}
              </label>
              {pick.change === "removed" ? (
                <span className="text-sm text-slate-700">
                  Remove {pick.item.name} ({pick.item.minutes} min{pick.item.priceCents !== undefined ? `, ${formatMoney(pick.item.priceCents, "usd")}` : ""})
                </span>
              ) : (
                <>
                  <Field label={`Service ${index + 1}`} value={pick.item.name} maxLength={80} onChange={(event) => setServices(services.map((p, i) => (i === index ? { ...p, item: { ...p.item, name: event.target.value } } : p)))} className="min-w-40 flex-1" />
                  <Field label="Minutes" type="number" min={5} max={720} value={pick.item.minutes} onChange={(event) => setServices(services.map((p, i) => (i === index ? { ...p, item: { ...p.item, minutes: Number(event.target.value) } } : p)))} className="w-24" />
                  <Field
                    label="Price ($)"
                    type="number"
                    min={0}
                    step="0.01"
                    value={pick.item.priceCents === undefined ? "" : pick.item.priceCents / 100}
                    onChange={(event) => {
                      const value = event.target.value;
                      setServices(services.map((p, i) => (i === index ? { ...p, item: { ...p.item, priceCents: value === "" ? undefined : Math.round(Number(value) * 100) } } : p)));
                    }}
                    className="w-28"
                  />
                </>
              )}
            </div>
          ))}
        </fieldset>
      )}
      {initial.hours && (
        <div className="rounded-md border border-slate-200 p-3">
          <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
            <input type="checkbox" checked={takeHours} onChange={(event) => setTakeHours(event.target.checked)} aria-describedby={hoursId} />
            Use these opening hours
          </label>
          <ul id={hoursId} className="mt-2 text-sm text-slate-700">
            {hoursText(initial.hours).map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      )}
      {apply.error && <Alert>{apply.error.message}</Alert>}
      <div className="flex flex-wrap gap-2">
        {!nothing && (
          <Button pending={apply.isPending} pendingLabel="Applying…" onClick={() => apply.mutate()}>
            Apply the ticked items
          </Button>
        )}
        <Button variant="secondary" pending={dismiss.isPending} onClick={() => dismiss.mutate()}>
          Dismiss
        </Button>
      </div>
    </div>
  );
}
