/**
 * A call's transcript as a conversation. Vapi gives it two ways: `messages` ({role, message,
 * secondsFromStart}) and a plain `transcript` with "AI: …" / "User: …" lines; either works.
 */
import type { TranscriptTurn } from "../lib/contract";

type Turn = { speaker: "receptionist" | "caller"; text: string };

export function toTurns(messages: TranscriptTurn[] | null | undefined, transcript: string | null | undefined): Turn[] {
  const fromMessages = (messages ?? [])
    .filter((turn) => turn.role === "bot" || turn.role === "assistant" || turn.role === "user")
    .map((turn) => ({ speaker: turn.role === "user" ? ("caller" as const) : ("receptionist" as const), text: (turn.message ?? turn.text ?? "").trim() }))
    .filter((turn) => turn.text);
  if (fromMessages.length) return fromMessages;
  const turns: Turn[] = [];
  for (const line of (transcript ?? "").split("\n")) {
    const match = /^\s*(AI|Assistant|Bot|User|Customer)\s*:\s*(.*)$/i.exec(line);
    if (match) turns.push({ speaker: /^(user|customer)$/i.test(match[1] ?? "") ? "caller" : "receptionist", text: match[2] ?? "" });
    else if (line.trim() && turns.length) {
      const last = turns[turns.length - 1];
      if (last) last.text += ` ${line.trim()}`;
    }
  }
  return turns;
}

export function Transcript({ messages, transcript }: { messages?: TranscriptTurn[] | null; transcript: string | null }) {
  const turns = toTurns(messages, transcript);
  if (!turns.length) return <p className="text-sm text-slate-500">{transcript?.trim() || "No transcript for this call."}</p>;
  return (
    <ol className="space-y-3" aria-label="Transcript">
      {turns.map((turn, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list (or one edited only by position); items have no id
        <li key={index} className={`flex ${turn.speaker === "caller" ? "justify-end" : "justify-start"}`}>
          <div className={`max-w-[85%] rounded-2xl px-4 py-2 text-sm ${turn.speaker === "caller" ? "rounded-br-sm bg-indigo-600 text-white" : "rounded-bl-sm bg-slate-100 text-slate-900"}`}>
            <span className="sr-only">{turn.speaker === "caller" ? "Caller" : "Receptionist"}: </span>
            {turn.text}
          </div>
        </li>
      ))}
    </ol>
  );
}
