/**
 * The overview's setup checklist (`/api/me` `setup`), shown until every step is done: what is
 * left, in onboarding's order, each with the way to do it.
 */
import { useQuery } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import type { ReactNode } from "react";
import { formatPhone } from "../lib/format";
import { meQuery, phoneNumbersQuery } from "../lib/queries";
import { Card } from "./ui";

const linkClass = "font-medium text-indigo-700 underline";

function TestCallHint() {
  const numbers = useQuery(phoneNumbersQuery);
  const live = numbers.data?.phoneNumbers.find((number) => number.agentId && number.number);
  return live?.number ? (
    <>
      Call{" "}
      <a href={`tel:${live.number}`} className={linkClass}>
        {formatPhone(live.number)}
      </a>{" "}
      from your own phone and talk to your receptionist.
    </>
  ) : (
    <>Once your number is active, call it and talk to your receptionist.</>
  );
}

const STEPS: Record<string, { label: string; how: () => ReactNode }> = {
  receptionist: {
    label: "Set up your receptionist",
    how: () => (
      <Link to="/onboarding" search={{ step: undefined }} className={linkClass}>
        Continue setup
      </Link>
    ),
  },
  google: {
    label: "Connect Google Calendar and Sheets",
    how: () => (
      <Link to="/integrations" search={{ google: undefined, reason: undefined }} className={linkClass}>
        Connect Google
      </Link>
    ),
  },
  credits: {
    label: "Buy credits for calls",
    how: () => (
      <Link to="/billing" search={{ checkout: undefined, cursor: undefined, buy: undefined }} className={linkClass}>
        Buy credits
      </Link>
    ),
  },
  number: {
    label: "Give your receptionist a phone number",
    how: () => (
      <Link to="/numbers" search={{ cursor: undefined }} className={linkClass}>
        Get a number
      </Link>
    ),
  },
  test_call: { label: "Make a test call", how: () => <TestCallHint /> },
};

export function SetupChecklist() {
  const me = useQuery(meQuery);
  const steps = me.data?.setup.steps ?? [];
  if (steps.length === 0 || steps.every((step) => step.done)) return null;
  const done = steps.filter((step) => step.done).length;
  return (
    <Card title="Finish setting up" actions={<span className="text-sm text-slate-600">{`${done} of ${steps.length} done`}</span>}>
      <ol className="space-y-2" aria-label="Setup checklist">
        {steps.map((step) => {
          const known = Object.hasOwn(STEPS, step.key) ? STEPS[step.key] : undefined;
          return (
            <li key={step.key} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
              <span aria-hidden="true" className={step.done ? "text-emerald-700" : "text-slate-400"}>
                {step.done ? "✓" : "○"}
              </span>
              <span className={step.done ? "text-slate-500 line-through" : "font-medium"}>
                {known?.label ?? step.key}
                <span className="sr-only">{step.done ? " (done)" : " (to do)"}</span>
              </span>
              {!step.done && known && <span className="text-slate-700">{known.how()}</span>}
            </li>
          );
        })}
      </ol>
    </Card>
  );
}
