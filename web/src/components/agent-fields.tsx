/** Editors for an agent's FAQ, business hours (with breaks) and voice, shared by onboarding and the agent editor. */
import { useQuery } from "@tanstack/react-query";
import { useId } from "react";
import type { Day, FaqItem, Hours } from "../lib/agent-types";
import { DAYS } from "../lib/agent-types";
import { voicesQuery } from "../lib/queries";
import { QueryState } from "./query-state";
import { Button, Field, TextArea } from "./ui";

export function FaqEditor({ value, onChange, problems }: { value: FaqItem[]; onChange: (faq: FaqItem[]) => void; problems: Record<string, string> }) {
  const set = (index: number, patch: Partial<FaqItem>) => onChange(value.map((item, i) => (i === index ? { ...item, ...patch } : item)));
  return (
    <fieldset className="space-y-4">
      <legend className="text-sm font-medium text-slate-700">Frequently asked questions</legend>
      {value.length === 0 && <p className="text-sm text-slate-500">No questions yet. Add the ones callers ask most.</p>}
      {value.map((item, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a fixed list (or one edited only by position); items have no id
        <div key={index} className="rounded-md border border-slate-200 p-3">
          <Field
            label={`Question ${index + 1}`}
            value={item.question}
            maxLength={300}
            onChange={(event) => set(index, { question: event.target.value })}
            error={problems[`faq.${index}.question`]}
          />
          <TextArea
            className="mt-2"
            label={`Answer ${index + 1}`}
            rows={2}
            value={item.answer}
            maxLength={1000}
            onChange={(event) => set(index, { answer: event.target.value })}
            error={problems[`faq.${index}.answer`]}
          />
          <Button variant="ghost" className="mt-2" onClick={() => onChange(value.filter((_, i) => i !== index))} aria-label={`Remove question ${index + 1}`}>
            Remove
          </Button>
        </div>
      ))}
      {problems.faq && <p className="text-sm text-red-700" role="alert">{problems.faq}</p>}
      <Button variant="secondary" onClick={() => onChange([...value, { question: "", answer: "" }])} disabled={value.length >= 50}>
        Add a question
      </Button>
    </fieldset>
  );
}

/** A lunch break in a day's hours: 12:00–13:00 when the range spans it, else a half hour in its middle. */
function withBreak(range: TimeRange): TimeRange[] | null {
  const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
  const time = (total: number) => `${String(Math.floor(total / 60)).padStart(2, "0")}:${String(total % 60).padStart(2, "0")}`;
  const [open, close] = [minutes(range.start), minutes(range.end)];
  if (close - open < 90) return null;
  const lunch = open < 12 * 60 && close > 13 * 60 + 30 ? 12 * 60 : Math.round((open + close) / 2 / 30) * 30 - 15;
  const length = lunch === 12 * 60 ? 60 : 30;
  return [
    { start: range.start, end: time(lunch) },
    { start: time(lunch + length), end: range.end },
  ];
}

type TimeRange = Hours[Day][number];

/**
 * A week of opening hours: each day closed or open in one or more ranges (a lunch break is the
 * gap between two). `path` keys its problems as the API does ("booking.staff.0.businessHours");
 * `who` names whose hours they are in every label when a page shows several weeks.
 */
export function HoursEditor({
  value,
  onChange,
  problems,
  path = "booking.businessHours",
  who,
  legend = "Business hours",
}: {
  value: Hours;
  onChange: (hours: Hours) => void;
  problems: Record<string, string>;
  path?: string;
  who?: string;
  legend?: string;
}) {
  const set = (day: Day, ranges: Hours[Day]) => onChange({ ...value, [day]: ranges });
  const prefix = who ? `${who}: ` : "";
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-2 divide-y divide-slate-100">
        {DAYS.map(({ key, label }) => {
          const ranges = value[key];
          const last = ranges.at(-1);
          const split = last ? withBreak(last) : null;
          const problem = problems[`${path}.${key}`] ?? Object.entries(problems).find(([at]) => at.startsWith(`${path}.${key}.`))?.[1];
          const nth = (index: number) => (index === 0 ? "" : ` (after break ${index})`);
          return (
            <div key={key} className="flex flex-wrap items-start gap-x-3 gap-y-2 py-2">
              <label className="flex w-32 items-center gap-2 pt-1 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-indigo-600"
                  checked={ranges.length > 0}
                  aria-label={who ? `${prefix}open on ${label}` : undefined}
                  onChange={(event) => set(key, event.target.checked ? [{ start: "09:00", end: "17:00" }] : [])}
                />
                {label}
              </label>
              {ranges.length ? (
                <div className="flex flex-1 flex-col gap-2">
                  {ranges.map((range, index) => (
                    // biome-ignore lint/suspicious/noArrayIndexKey: ranges have no id; they are edited by position
                    <div key={index} className="flex flex-wrap items-center gap-2 text-sm">
                      <input
                        type="time"
                        aria-label={`${prefix}${label} opens${nth(index)}`}
                        className="rounded-md border border-slate-300 px-2 py-1"
                        value={range.start}
                        onChange={(event) => set(key, ranges.map((each, i) => (i === index ? { ...each, start: event.target.value } : each)))}
                      />
                      <span aria-hidden="true">to</span>
                      <input
                        type="time"
                        aria-label={`${prefix}${label} closes${nth(index)}`}
                        className="rounded-md border border-slate-300 px-2 py-1"
                        value={range.end === "24:00" ? "23:59" : range.end}
                        onChange={(event) => set(key, ranges.map((each, i) => (i === index ? { ...each, end: event.target.value } : each)))}
                      />
                      {index > 0 && (
                        <Button variant="ghost" className="px-2 py-1" aria-label={`${prefix}Remove ${label}'s hours ${range.start}–${range.end}`} onClick={() => set(key, ranges.filter((_, i) => i !== index))}>
                          Remove
                        </Button>
                      )}
                    </div>
                  ))}
                  {split && ranges.length < 6 && (
                    <div>
                      <Button variant="ghost" className="px-2 py-1" aria-label={`${prefix}Add a break on ${label}`} onClick={() => set(key, [...ranges.slice(0, -1), ...split])}>
                        Add a break
                      </Button>
                    </div>
                  )}
                </div>
              ) : (
                <span className="pt-1 text-sm text-slate-500">Closed</span>
              )}
              {problem && (
                <p className="w-full text-sm text-red-700" role="alert">
                  {problem}
                </p>
              )}
            </div>
          );
        })}
      </div>
    </fieldset>
  );
}

export function VoicePicker({ value, onChange }: { value: { provider: string; voiceId: string }; onChange: (voice: { provider: string; voiceId: string }) => void }) {
  const voices = useQuery(voicesQuery);
  const name = useId();
  return (
    <QueryState query={voices} isEmpty={(data) => data.voices.length === 0} empty="No voices are available.">
      {(data) => (
        <fieldset>
          <legend className="text-sm font-medium text-slate-700">Voice</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {data.voices.map((voice) => {
              const checked = voice.provider === value.provider && voice.voiceId === value.voiceId;
              return (
                <div key={`${voice.provider}/${voice.voiceId}`} className={`rounded-md border p-3 ${checked ? "border-indigo-500 bg-indigo-50" : "border-slate-200"}`}>
                  <label className="flex cursor-pointer items-start gap-2 text-sm">
                    <input
                      type="radio"
                      name={name}
                      className="mt-0.5 size-4 accent-indigo-600"
                      checked={checked}
                      onChange={() => onChange({ provider: voice.provider, voiceId: voice.voiceId })}
                    />
                    <span>
                      <span className="font-medium">{voice.name}</span>
                      <span className="block text-xs text-slate-600">
                        {[voice.gender, voice.accent, voice.provider === "openai" ? "OpenAI" : "Vapi"].filter(Boolean).join(" · ")}
                      </span>
                    </span>
                  </label>
                  {voice.previewUrl ? (
                    // biome-ignore lint/a11y/useMediaCaption: a voice sample has no caption file; its name is its label
                    <audio className="mt-2 w-full" controls preload="none" src={voice.previewUrl} aria-label={`Preview of ${voice.name}`} />
                  ) : (
                    <p className="mt-1 text-xs text-slate-600">No preview for this voice</p>
                  )}
                </div>
              );
            })}
          </div>
        </fieldset>
      )}
    </QueryState>
  );
}
