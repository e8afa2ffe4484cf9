/** Editors for an agent's FAQ, business hours and voice, shared by onboarding and the agent editor. */
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

export function HoursEditor({ value, onChange, problems }: { value: Hours; onChange: (hours: Hours) => void; problems: Record<string, string> }) {
  const set = (day: Day, ranges: Hours[Day]) => onChange({ ...value, [day]: ranges });
  return (
    <fieldset>
      <legend className="text-sm font-medium text-slate-700">Business hours</legend>
      <div className="mt-2 divide-y divide-slate-100">
        {DAYS.map(({ key, label }) => {
          const range = value[key][0];
          const problem = problems[`booking.businessHours.${key}`] ?? Object.entries(problems).find(([path]) => path.startsWith(`booking.businessHours.${key}.`))?.[1];
          return (
            <div key={key} className="flex flex-wrap items-center gap-3 py-2">
              <label className="flex w-32 items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-indigo-600"
                  checked={Boolean(range)}
                  onChange={(event) => set(key, event.target.checked ? [{ start: "09:00", end: "17:00" }] : [])}
                />
                {label}
              </label>
              {range ? (
                <div className="flex items-center gap-2 text-sm">
                  <input
                    type="time"
                    aria-label={`${label} opens`}
                    className="rounded-md border border-slate-300 px-2 py-1"
                    value={range.start}
                    onChange={(event) => set(key, [{ ...range, start: event.target.value }, ...value[key].slice(1)])}
                  />
                  <span aria-hidden="true">to</span>
                  <input
                    type="time"
                    aria-label={`${label} closes`}
                    className="rounded-md border border-slate-300 px-2 py-1"
                    value={range.end === "24:00" ? "23:59" : range.end}
                    onChange={(event) => set(key, [{ ...range, end: event.target.value }, ...value[key].slice(1)])}
                  />
                </div>
              ) : (
                <span className="text-sm text-slate-500">Closed</span>
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
