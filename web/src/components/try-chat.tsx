/**
 * "Try it before going live": type to the receptionist as a caller would (POST /api/try). The
 * same prompt and tools as on the phone; a booking made here is a test, shown as such, and is
 * never put in the calendar (ADR 0713).
 */
import { type FormEvent, useState } from "react";
import { client, unwrap } from "../lib/api";
import { useSingleFlightMutation } from "../lib/mutation";
import { Alert, Badge, Button, Card, TextArea } from "./ui";

type Turn = { role: "user" | "assistant"; content: string; tools?: { name: string; result: string; test: boolean }[] };

const TOOL_LABELS = new Map([
  ["check_availability", "Checked the calendar"],
  ["book_appointment", "Test booking (not in your calendar)"],
  ["cancel_appointment", "Test cancellation"],
  ["move_appointment", "Test move"],
]);

export function TryChat({ agentId }: { agentId: string }) {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [text, setText] = useState("");
  const send = useSingleFlightMutation({
    mutationFn: (messages: Turn[]) =>
      unwrap(client.try.$post({ json: { agentId, messages: messages.map(({ role, content }) => ({ role, content })) } })),
    onSuccess: (answer, messages) => {
      setTurns([...messages, { role: "assistant", content: answer.reply, tools: answer.toolCalls }]);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const content = text.trim();
    if (!content || send.isPending) return;
    const next: Turn[] = [...turns, { role: "user", content }];
    setTurns(next);
    setText("");
    send.mutate(next);
  };
  return (
    <Card
      title="Try it before going live"
      actions={
        turns.length > 0 && (
          <Button variant="ghost" onClick={() => setTurns([])}>
            Start over
          </Button>
        )
      }
    >
      <p className="text-sm text-slate-600">Type as a caller would. Your receptionist answers with its saved settings; bookings here are tests and never reach your calendar.</p>
      <ol className="mt-3 space-y-2" aria-label="Test conversation" aria-live="polite">
        {turns.map((turn, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the conversation only grows, in order
          <li key={index} className={turn.role === "user" ? "text-right" : ""}>
            <span className={`inline-block max-w-[85%] rounded-lg px-3 py-2 text-left text-sm ${turn.role === "user" ? "bg-indigo-600 text-white" : "bg-slate-100 text-slate-900"}`}>
              <span className="sr-only">{turn.role === "user" ? "You: " : "Receptionist: "}</span>
              {turn.content}
            </span>
            {turn.tools?.map((tool, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the tools of one answer never change
              <span key={i} className="mt-1 block text-xs text-slate-600">
                <Badge tone={tool.test ? "amber" : "slate"}>{TOOL_LABELS.get(tool.name) ?? tool.name}</Badge>
              </span>
            ))}
          </li>
        ))}
      </ol>
      {send.error && (
        <div className="mt-3">
          <Alert>{send.error.message}</Alert>
        </div>
      )}
      <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-2">
        <TextArea label="Your message" rows={2} maxLength={2000} value={text} onChange={(event) => setText(event.target.value)} className="min-w-0 flex-1" />
        <Button type="submit" pending={send.isPending} pendingLabel="Waiting…">
          Send
        </Button>
      </form>
    </Card>
  );
}
