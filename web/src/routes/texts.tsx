/** Texts: a conversation per caller (newest callers first), the owner's reply, and who opted out. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { createLazyRoute, Link, useSearch } from "@tanstack/react-router";
import { type FormEvent, useState } from "react";
import { QueryState } from "../components/query-state";
import { statusOf } from "../components/text-list";
import { useToast } from "../components/toaster";
import { Alert, Badge, Button, Card, PageHeader, TextArea } from "../components/ui";
import { client, unwrap } from "../lib/api";
import { formatDateTime, formatPhone, useTimezone } from "../lib/format";
import { useSingleFlightMutation } from "../lib/mutation";

export const Route = createLazyRoute("/app/texts")({ component: Texts });

const recentKey = ["texts", "recent"] as const;
const conversationKey = (number: string) => ["texts", "conversation", number] as const;
const optOutsKey = ["texts", "opt-outs"] as const;

function Texts() {
  const search = useSearch({ from: "/app/texts" });
  const timeZone = useTimezone();
  const recent = useQuery({ queryKey: recentKey, queryFn: () => unwrap(client.texts.$get({ query: { limit: "100" } })) });
  const optOuts = useQuery({ queryKey: optOutsKey, queryFn: () => unwrap(client.texts["opt-outs"].$get()) });
  return (
    <>
      <PageHeader title="Texts" description="What your receptionist texted callers, what they answered, and your replies." />
      <div className="grid gap-6 lg:grid-cols-[18rem_1fr]">
        <Card title="Callers">
          <QueryState query={recent} isEmpty={(data) => data.texts.length === 0} empty="No texts yet." loadingLabel="Loading texts…">
            {(data) => {
              const latest = new Map<string, (typeof data.texts)[number]>();
              for (const text of data.texts) if (!latest.has(text.number)) latest.set(text.number, text);
              return (
                <ul className="divide-y divide-slate-100">
                  {[...latest.values()].map((text) => (
                    <li key={text.number} className="py-2">
                      <Link to="/texts" search={{ number: text.number }} className="block text-sm">
                        <span className={`font-medium ${search.number === text.number ? "text-indigo-700" : ""}`}>{formatPhone(text.number)}</span>
                        <span className="block truncate text-slate-600">{text.body}</span>
                        <span className="text-xs text-slate-500">{formatDateTime(text.createdAt, timeZone)}</span>
                      </Link>
                    </li>
                  ))}
                </ul>
              );
            }}
          </QueryState>
        </Card>
        <div className="space-y-6">
          {search.number ? <Conversation number={search.number} optedOut={optOuts.data?.optOuts.some((entry) => entry.number === search.number) ?? false} /> : <Card title="Conversation"><p className="text-sm text-slate-600">Pick a caller to read and reply.</p></Card>}
          <Card title="Opted out">
            <QueryState query={optOuts} isEmpty={(data) => data.optOuts.length === 0} empty="Nobody has opted out." loadingLabel="Loading…">
              {(data) => (
                <ul className="text-sm">
                  {data.optOuts.map((entry) => (
                    <li key={entry.number}>
                      {formatPhone(entry.number)} <span className="text-slate-500">since {formatDateTime(entry.since, timeZone)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </QueryState>
          </Card>
        </div>
      </div>
    </>
  );
}

function Conversation({ number, optedOut }: { number: string; optedOut: boolean }) {
  const timeZone = useTimezone();
  const queryClient = useQueryClient();
  const toast = useToast();
  const [body, setBody] = useState("");
  const conversation = useQuery({ queryKey: conversationKey(number), queryFn: () => unwrap(client.texts.$get({ query: { number, limit: "100" } })) });
  const send = useSingleFlightMutation({
    mutationFn: () => unwrap(client.texts.$post({ json: { to: number, body } })),
    onSuccess: async () => {
      setBody("");
      await queryClient.invalidateQueries({ queryKey: ["texts"] });
      toast("Reply sent.");
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (body.trim()) send.mutate();
  };
  return (
    <Card title={`Conversation with ${formatPhone(number)}`}>
      <QueryState query={conversation} loadingLabel="Loading the conversation…">
        {(data) => (
          <ol className="space-y-2" aria-label="Messages">
            {[...data.texts].reverse().map((text) => (
              <li key={text.id} className={`max-w-[85%] rounded-lg px-3 py-2 text-sm ${text.direction === "inbound" ? "bg-slate-100" : "ml-auto bg-indigo-50"}`}>
                <p>{text.body}</p>
                <p className="mt-1 text-xs text-slate-600">
                  {text.direction === "inbound" ? "Caller" : "You"} · {formatDateTime(text.createdAt, timeZone)}
                  {text.direction === "outbound" && <> · <Badge tone={statusOf(text, timeZone).tone}>{statusOf(text, timeZone).words}</Badge></>}
                </p>
              </li>
            ))}
          </ol>
        )}
      </QueryState>
      {optedOut ? (
        <div className="mt-4">
          <Alert tone="info">This caller replied STOP: nothing more is sent until they text START.</Alert>
        </div>
      ) : (
        <form onSubmit={submit} className="mt-4 space-y-3" noValidate>
          <TextArea label="Your reply" value={body} onChange={(event) => setBody(event.target.value)} maxLength={1600} rows={3} hint="Sent from your number; a credit per 160 characters." />
          {send.error && <Alert>{send.error.message}</Alert>}
          <Button type="submit" pending={send.isPending} pendingLabel="Sending…" disabled={!body.trim()}>
            Send reply
          </Button>
        </form>
      )}
    </Card>
  );
}
