/** "Questions your receptionist couldn't answer", each with "Add to FAQ" (write the answer, pick the receptionist, save) or "Dismiss". */
import * as Dialog from "@radix-ui/react-dialog";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { useState } from "react";
import { client, unwrap } from "../lib/api";
import type { UnansweredQuestion } from "../lib/contract";
import { formatDateTime, useTimezone } from "../lib/format";
import { useSingleFlightMutation } from "../lib/mutation";
import { agentsQuery, keys, unansweredQuery } from "../lib/queries";
import { AgentOptions } from "./agent-options";
import { QueryState } from "./query-state";
import { useToast } from "./toaster";
import { Alert, Button, Card, Field, Select, TextArea } from "./ui";

export function UnansweredPanel() {
  const questions = useQuery(unansweredQuery);
  const agents = useQuery(agentsQuery);
  const timeZone = useTimezone();
  // A question already in some agent's FAQ is answered from now on: don't ask the owner again.
  const known = new Set(agents.data?.agents.flatMap((agent) => agent.faq.map((item) => normalize(item.question))) ?? []);
  const [adding, setAdding] = useState<UnansweredQuestion | null>(null);
  const queryClient = useQueryClient();
  const toast = useToast();
  // Not every question belongs in the FAQ ("Is Dana in today?"): dismissed ones are gone for good (stored, not hidden here only).
  const dismiss = useSingleFlightMutation({
    mutationFn: (text: string) => unwrap(client.insights.unanswered.dismissals.$post({ json: { text } })),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.unanswered });
      toast("Dismissed: it won't be listed again.");
    },
  });
  return (
    <Card title="Questions your receptionist couldn't answer">
      <QueryState query={questions} isEmpty={(data) => data.questions.every((question) => known.has(normalize(question.text)))} empty="Nothing open: every question callers asked is answered or in your FAQ.">
        {(data) => (
          <ul className="divide-y divide-slate-100">
            {data.questions.filter((question) => !known.has(normalize(question.text))).map((question) => (
              <li key={question.text} className="flex flex-wrap items-center justify-between gap-2 py-3">
                <div>
                  <p className="font-medium">“{question.text}”</p>
                  <p className="text-sm text-slate-600">
                    asked {question.count} {question.count === 1 ? "time" : "times"}, last {formatDateTime(question.lastAskedAt, timeZone)}
                  </p>
                </div>
                <span className="flex flex-wrap gap-2">
                  <Button variant="secondary" onClick={() => setAdding(question)} aria-label={`Add to FAQ: ${question.text}`}>
                    Add to FAQ
                  </Button>
                  <Button variant="ghost" pending={dismiss.isPending && dismiss.variables === question.text} onClick={() => dismiss.mutate(question.text)} aria-label={`Dismiss: ${question.text}`}>
                    Dismiss
                  </Button>
                </span>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
      {adding && <AddToFaq question={adding} onClose={() => setAdding(null)} />}
    </Card>
  );
}

function AddToFaq({ question, onClose }: { question: UnansweredQuestion; onClose: () => void }) {
  const agents = useQuery(agentsQuery);
  const queryClient = useQueryClient();
  const toast = useToast();
  const [text, setText] = useState(question.text);
  const [answer, setAnswer] = useState("");
  const [agentId, setAgentId] = useState("");
  // Its own state, not useProblems: lib/forms would add a chunk to the overview, the screen after sign-in.
  const [problems, setProblems] = useState<Record<string, string>>({});
  const chosen = agentId || agents.data?.agents[0]?.id || "";
  const add = useSingleFlightMutation({
    mutationFn: async () => {
      // Read the agent fresh so an FAQ edited elsewhere is not overwritten.
      const current = await unwrap(client.agents[":id"].$get({ param: { id: chosen } }));
      const faq = [...current.agent.faq, { question: text.trim(), answer: answer.trim() }];
      return unwrap(client.agents[":id"].$patch({ param: { id: chosen }, json: { faq } }));
    },
    onSuccess: async (saved) => {
      queryClient.setQueryData(keys.agent(saved.agent.id), saved);
      await queryClient.invalidateQueries({ queryKey: keys.agents });
      await queryClient.invalidateQueries({ queryKey: keys.unanswered });
      toast(`Added to ${saved.agent.name}'s FAQ.`);
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Record<string, string> = {};
    if (!text.trim()) found.question = "Write the question.";
    if (!answer.trim()) found.answer = "Write the answer your receptionist should give.";
    if (!chosen) found.agent = "Create a receptionist first.";
    setProblems(found);
    if (Object.keys(found).length === 0 && !add.isPending) add.mutate();
  };
  return (
    <Dialog.Root open onOpenChange={(open) => !open && !add.isPending && onClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 bg-slate-900/40" />
        <Dialog.Content className="fixed top-1/2 left-1/2 max-h-[90vh] w-[min(32rem,calc(100vw-2rem))] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-6 shadow-xl">
          <Dialog.Title className="text-lg font-semibold">Add to FAQ</Dialog.Title>
          <Dialog.Description className="mt-1 text-sm text-slate-600">Next time a caller asks, your receptionist will know.</Dialog.Description>
          <form onSubmit={submit} noValidate className="mt-4 space-y-4">
            <Field label="Question" value={text} maxLength={300} onChange={(e) => setText(e.target.value)} error={problems.question} />
            <TextArea label="Answer" rows={3} maxLength={1000} value={answer} onChange={(e) => setAnswer(e.target.value)} error={problems.answer} />
            <Select label="Receptionist" value={chosen} onChange={(e) => setAgentId(e.target.value)} error={problems.agent}>
              <AgentOptions />
            </Select>
            {add.error && <Alert>{add.error.message}</Alert>}
            <div className="flex justify-end gap-2">
              <Dialog.Close asChild>
                <Button variant="secondary" disabled={add.isPending}>
                  Cancel
                </Button>
              </Dialog.Close>
              <Button type="submit" pending={add.isPending} pendingLabel="Adding…">
                Add to FAQ
              </Button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function normalize(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, " ");
}
