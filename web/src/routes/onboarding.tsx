/**
 * Onboarding: one flow from "describe your business" to a receptionist answering a number.
 * Each step saves as it goes (the agent is created after the script step and patched after),
 * so a reload, Google's consent screen or Stripe's checkout page lose nothing.
 */
import { createLazyRoute, useNavigate, useSearch } from "@tanstack/react-router";
import { useEffect } from "react";
import { DescribeStep, ScriptStep, VoiceStep } from "../components/onboarding-agent-steps";
import { CreditsStep, DoneStep, GoogleStep, NumberStep } from "../components/onboarding-launch-steps";
import { ServicesStep } from "../components/onboarding-services-step";
import { useTimezone } from "../lib/format";
import { useDraft } from "../lib/onboarding-state";

export const Route = createLazyRoute("/app/onboarding")({ component: Onboarding });

const STEPS = [
  { key: "business", label: "Your business" },
  // Drafted from the description, so right after it (issue 20); the agent is created after "script".
  { key: "services", label: "Services & hours" },
  { key: "script", label: "Greeting & FAQ" },
  { key: "voice", label: "Voice" },
  { key: "google", label: "Google" },
  // Credits before the number: numbers are for accounts that have bought a pack (docs/architecture.md §4).
  { key: "credits", label: "Credits" },
  { key: "number", label: "Phone number" },
  { key: "done", label: "Done" },
] as const;

type StepKey = (typeof STEPS)[number]["key"];
const BEFORE_AGENT: ReadonlySet<StepKey> = new Set(["business", "services", "script"]);
/** A draft saved on a step that has since moved: "hours" (after the voice) is now "services", done before. */
const LEGACY: Record<string, StepKey> = { hours: "google" };

function Onboarding() {
  const search = useSearch({ from: "/app/onboarding" });
  const navigate = useNavigate();
  const [draft, setDraft] = useDraft();
  const timezone = useTimezone();
  // Without a step in the address (a reload of /onboarding, the overview's link), resume where the owner was.
  const requested = STEPS.find((step) => step.key === (search.step ?? LEGACY[draft.step ?? ""] ?? draft.step))?.key;
  // Steps after "script" need the agent; without one, start at the beginning.
  const current: StepKey = requested && (draft.agentId || BEFORE_AGENT.has(requested)) ? requested : "business";
  const index = STEPS.findIndex((step) => step.key === current);
  useEffect(() => {
    if (draft.step !== current) setDraft({ step: current });
  }, [current, draft.step, setDraft]);
  const go = (step: StepKey) => {
    void navigate({ to: "/onboarding", search: { step } });
    window.scrollTo({ top: 0 });
  };
  const next = () => go(STEPS[Math.min(index + 1, STEPS.length - 1)]?.key ?? "done");
  const props = { draft, setDraft, next, back: () => go(STEPS[Math.max(index - 1, 0)]?.key ?? "business") };

  return (
    <div className="mx-auto max-w-3xl">
      <p className="text-sm font-medium text-indigo-700">
        Step {index + 1} of {STEPS.length}
      </p>
      <ol className="mt-2 mb-6 flex gap-1" aria-label="Setup progress">
        {STEPS.map((step, i) => (
          <li key={step.key} className="flex-1" aria-current={i === index ? "step" : undefined}>
            <span className={`block h-1.5 rounded-full ${i <= index ? "bg-indigo-600" : "bg-slate-200"}`} />
            <span className="sr-only">
              {step.label}
              {i < index ? " (done)" : i === index ? " (current)" : ""}
            </span>
          </li>
        ))}
      </ol>
      {current === "business" && <DescribeStep {...props} />}
      {current === "services" && <ServicesStep {...props} timezone={timezone} />}
      {current === "script" && <ScriptStep {...props} timezone={timezone} />}
      {current === "voice" && <VoiceStep {...props} />}
      {current === "google" && <GoogleStep {...props} />}
      {current === "number" && <NumberStep {...props} />}
      {current === "credits" && <CreditsStep {...props} />}
      {current === "done" && <DoneStep {...props} />}
    </div>
  );
}
