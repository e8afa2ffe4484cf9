/**
 * The texts of one call or one booking (GET /api/texts?callId= or ?bookingId=): what was texted
 * and why (the confirmation, a reminder, the missed-call text-back), what the caller answered and
 * what we answered, each with where it stands (queued, sent, delivered, failed, held for quiet
 * hours, or why it was never sent), and a link into the conversation on the Texts page.
 * `<TextsCard filter={{ callId }} />` on the call page; `{ bookingId }` on an appointment.
 */
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { InferResponseType } from "hono/client";
import { client, unwrap } from "../lib/api";
import { formatDateTime, formatPhone, useTimezone } from "../lib/format";
import { QueryState } from "./query-state";
import { Badge, Card, focusRing } from "./ui";

export type TextMessage = InferResponseType<typeof client.texts.$get, 200>["texts"][number];
export type TextFilter = { callId: string; bookingId?: undefined } | { bookingId: string; callId?: undefined };

const KINDS = new Map([
  ["confirmation", "Booking confirmation"],
  ["reminder_24h", "Reminder, the day before"],
  ["reminder_2h", "Reminder, 2 hours before"],
  ["missed_call", "Missed-call text-back"],
  ["owner_alert", "Alert to you"],
  ["reply", "Reply"],
  ["help", "Answer to HELP"],
  ["cancelled", "Cancellation"],
  ["inbound", "From the caller"],
]);

type Tone = "slate" | "green" | "amber" | "red" | "indigo";
/** Twilio's statuses and ours (ADR 0141), as an owner reads them. */
const STATUSES = new Map<string, { words: string; tone: Tone }>([
  ["pending", { words: "Queued", tone: "slate" }],
  ["accepted", { words: "Queued", tone: "slate" }],
  ["queued", { words: "Queued", tone: "slate" }],
  ["sending", { words: "Sending", tone: "slate" }],
  ["sent", { words: "Sent", tone: "green" }],
  ["delivered", { words: "Delivered", tone: "green" }],
  ["read", { words: "Read", tone: "green" }],
  ["undelivered", { words: "Not delivered", tone: "red" }],
  ["failed", { words: "Failed", tone: "red" }],
  ["held", { words: "Held for quiet hours", tone: "amber" }],
  ["opted_out", { words: "Not sent: they opted out", tone: "slate" }],
  ["no_credit", { words: "Not sent: out of credits", tone: "red" }],
  ["no_number", { words: "Not sent: no number that can text", tone: "red" }],
  ["not_needed", { words: "Not sent: the booking was cancelled", tone: "slate" }],
  ["received", { words: "Received", tone: "indigo" }],
]);

/** Still on its way: the list looks again until it has settled. */
const MOVING = new Set(["pending", "accepted", "queued", "sending"]);

export function statusOf(text: Pick<TextMessage, "status" | "sendAfter">, timeZone: string): { words: string; tone: Tone } {
  const known = STATUSES.get(text.status) ?? { words: text.status.replace(/_/g, " "), tone: "slate" as const };
  if (text.status === "held" && text.sendAfter) return { ...known, words: `Held for quiet hours, until ${formatDateTime(text.sendAfter, timeZone)}` };
  return known;
}

export function TextList({ texts, timeZone }: { texts: TextMessage[]; timeZone: string }) {
  const ordered = [...texts].reverse();
  const numbers = [...new Set(ordered.map((text) => text.number))];
  return (
    <>
      <ol className="space-y-3" aria-label="Texts">
        {ordered.map((text) => {
          const status = statusOf(text, timeZone);
          return (
            <li key={text.id} className={`rounded-lg px-3 py-2 text-sm ${text.direction === "inbound" ? "mr-8 bg-slate-100" : "ml-8 bg-indigo-50"}`}>
              <p className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
                <span className="font-medium text-slate-800">{KINDS.get(text.kind) ?? text.kind}</span>
                <span>
                  {text.direction === "inbound" ? `from ${formatPhone(text.number)}` : `to ${formatPhone(text.number)}`} · {formatDateTime(text.createdAt, timeZone)}
                </span>
                <Badge tone={status.tone}>{status.words}</Badge>
              </p>
              <p className="mt-1 whitespace-pre-line">{text.body}</p>
              {text.error && text.status !== "held" && <p className="mt-1 text-xs text-slate-600">{text.error}</p>}
              {text.creditsCharged > 0 && (
                <p className="mt-1 text-xs text-slate-600">
                  {text.segments} segment{text.segments === 1 ? "" : "s"}, {text.creditsCharged} credit{text.creditsCharged === 1 ? "" : "s"}
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <p className="mt-3 flex flex-wrap gap-x-4 text-sm">
        {numbers.map((number) => (
          <Link key={number} to="/texts" search={{ number }} className={`text-indigo-700 underline ${focusRing}`}>
            Open the conversation with {formatPhone(number)}
          </Link>
        ))}
      </p>
    </>
  );
}

/** A card with the texts of a call or a booking; it looks again every few seconds while one is on its way. */
export function TextsCard({ filter, title = "Texts" }: { filter: TextFilter; title?: string }) {
  const timeZone = useTimezone();
  const query = filter.callId ? { callId: filter.callId, limit: "50" } : { bookingId: filter.bookingId, limit: "50" };
  const texts = useQuery({
    queryKey: ["texts", filter.callId ? "call" : "booking", filter.callId ?? filter.bookingId],
    queryFn: () => unwrap(client.texts.$get({ query })),
    refetchInterval: (state) => (state.state.data?.texts.some((text) => MOVING.has(text.status)) ? 5000 : false),
  });
  return (
    <Card title={title}>
      <QueryState query={texts} isEmpty={(data) => data.texts.length === 0} empty={filter.callId ? "No texts for this call." : "No texts for this appointment."} loadingLabel="Loading texts…">
        {(data) => <TextList texts={data.texts} timeZone={timeZone} />}
      </QueryState>
    </Card>
  );
}
